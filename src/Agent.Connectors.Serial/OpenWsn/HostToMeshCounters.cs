using Agent.Core.Drops;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>What <see cref="HostToMesh"/> sent into the mesh and what it refused, by reason. Thread-safe.</summary>
public sealed class HostToMeshCounters
{
    private long _datagrams, _fragmented, _frames;

    /// <summary>Packets sent, whole or fragmented.</summary>
    public long Datagrams => Interlocked.Read(ref _datagrams);

    /// <summary>Packets sent as FRAG1 + FRAGNs.</summary>
    public long Fragmented => Interlocked.Read(ref _fragmented);

    /// <summary><c>D</c> frames produced.</summary>
    public long Frames => Interlocked.Read(ref _frames);

    public DropCounts Drops { get; } = new();

    public long Dropped => Drops.Total;

    internal void CountSent(int frames)
    {
        Interlocked.Increment(ref _datagrams);
        Interlocked.Add(ref _frames, frames);
        if (frames > 1) Interlocked.Increment(ref _fragmented);
    }

    internal void CountDrop(DropReason reason) => Drops.Count(reason);

    public override string ToString() => $"{Datagrams} datagrams ({Fragmented} fragmented) in {Frames} frames, {Drops}";
}
