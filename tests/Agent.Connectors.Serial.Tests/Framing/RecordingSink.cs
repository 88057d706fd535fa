using Agent.Connectors.Serial.Framing;

namespace Agent.Connectors.Serial.Tests.Framing;

/// <summary>Keeps copies of everything a decoder reports.</summary>
internal sealed class RecordingSink : IFrameSink
{
    public List<(byte[] Payload, byte[] Wire)> Frames { get; } = [];

    public List<string> Drops { get; } = [];

    public IEnumerable<string> PayloadsHex => Frames.Select(f => Convert.ToHexStringLower(f.Payload));

    public void OnFrame(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> wire) => Frames.Add((payload.ToArray(), wire.ToArray()));

    public void OnDrop(string reason) => Drops.Add(reason);
}
