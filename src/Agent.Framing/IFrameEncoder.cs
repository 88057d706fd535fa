namespace Agent.Framing;

/// <summary>Encodes one payload into one frame, into the caller's buffer.</summary>
public interface IFrameEncoder
{
    /// <summary>The largest number of bytes <see cref="Encode"/> can write for a payload of this length.</summary>
    int MaxEncodedLength(int payloadLength);

    /// <summary>Writes the frame of <paramref name="payload"/> into <paramref name="destination"/>; returns its length.</summary>
    int Encode(ReadOnlySpan<byte> payload, Span<byte> destination);
}
