using System.Collections.Concurrent;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>What <see cref="HostToMesh"/> sent into the mesh and what it dropped, by reason. Thread-safe.</summary>
public sealed class HostToMeshCounters
{
    private readonly ConcurrentDictionary<string, long> _drops = new();
    private long _datagrams, _fragmented, _frames;

    /// <summary>Packets sent, whole or fragmented.</summary>
    public long Datagrams => Interlocked.Read(ref _datagrams);

    /// <summary>Packets sent as FRAG1 + FRAGNs.</summary>
    public long Fragmented => Interlocked.Read(ref _fragmented);

    /// <summary><c>D</c> frames produced.</summary>
    public long Frames => Interlocked.Read(ref _frames);

    public long Dropped => _drops.Values.Sum();

    public IReadOnlyDictionary<string, long> Drops => new SortedDictionary<string, long>(_drops);

    internal void CountSent(int frames)
    {
        Interlocked.Increment(ref _datagrams);
        Interlocked.Add(ref _frames, frames);
        if (frames > 1) Interlocked.Increment(ref _fragmented);
    }

    internal void CountDrop(string reason) => _drops.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public override string ToString()
    {
        var drops = Drops;
        var dropText = drops.Count == 0 ? "dropped 0" : $"dropped {drops.Values.Sum()} ({string.Join(", ", drops.Select(d => $"{d.Key} {d.Value}"))})";
        return $"{Datagrams} datagrams ({Fragmented} fragmented) in {Frames} frames, {dropText}";
    }
}
