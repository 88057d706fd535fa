using Agent.Framing;

namespace Agent.Testing;

/// <summary>Keeps copies of everything a decoder reports.</summary>
public sealed class RecordingSink : IFrameSink
{
    public List<(byte[] Payload, byte[] Wire)> Frames { get; } = [];

    public List<FrameError> Drops { get; } = [];

    public IEnumerable<string> PayloadsHex => Frames.Select(f => Convert.ToHexStringLower(f.Payload));

    public void OnFrame(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> wire) => Frames.Add((payload.ToArray(), wire.ToArray()));

    public void OnDrop(FrameError error) => Drops.Add(error);
}
