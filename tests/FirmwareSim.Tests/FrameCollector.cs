using Agent.Framing;

namespace FirmwareSim.Tests;

/// <summary>Collects what a decoder finds.</summary>
internal sealed class FrameCollector : IFrameSink
{
    public List<byte[]> Frames { get; } = [];
    public List<FrameError> Drops { get; } = [];

    public void OnFrame(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> wire) => Frames.Add(payload.ToArray());

    public void OnDrop(FrameError error) => Drops.Add(error);
}
