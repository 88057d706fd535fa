namespace Agent.Framing;

/// <summary>
/// A small state machine that consumes bytes in chunks of any size and yields complete frames, with no per-byte
/// allocation and no assumption about how the bytes were chunked. Bad input never throws: it is dropped and reported.
/// </summary>
public interface IFrameDecoder
{
    void Decode(ReadOnlySpan<byte> input, IFrameSink sink);

    /// <summary>Forgets a partial frame (after the device was reopened).</summary>
    void Reset();
}
