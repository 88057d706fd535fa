using Agent.Connectors.Serial.Framing;

namespace FirmwareSim.Tests;

/// <summary>Collects what a decoder finds.</summary>
internal sealed class FrameCollector : IFrameSink
{
    public List<byte[]> Frames { get; } = [];
    public List<string> Drops { get; } = [];

    public void OnFrame(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> wire) => Frames.Add(payload.ToArray());

    public void OnDrop(string reason) => Drops.Add(reason);
}
