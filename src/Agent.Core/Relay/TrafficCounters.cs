using System.Collections.Concurrent;

namespace Agent.Core.Relay;

/// <summary>What an agent moved each way and what it dropped, by reason. Thread-safe; shared by a relay and its connector.</summary>
public sealed class TrafficCounters
{
    private readonly ConcurrentDictionary<string, long> _drops = new();
    private long _upPackets, _upBytes, _downPackets, _downBytes;

    public long UpPackets => Interlocked.Read(ref _upPackets);
    public long UpBytes => Interlocked.Read(ref _upBytes);
    public long DownPackets => Interlocked.Read(ref _downPackets);
    public long DownBytes => Interlocked.Read(ref _downBytes);
    public long Dropped => _drops.Values.Sum();

    public IReadOnlyDictionary<string, long> Drops => new SortedDictionary<string, long>(_drops);

    /// <summary>Counts one frame moved from the device to the bus; returns the running count.</summary>
    public long CountUp(int bytes)
    {
        Interlocked.Add(ref _upBytes, bytes);
        return Interlocked.Increment(ref _upPackets);
    }

    /// <summary>Counts one frame moved from the bus to the device; returns the running count.</summary>
    public long CountDown(int bytes)
    {
        Interlocked.Add(ref _downBytes, bytes);
        return Interlocked.Increment(ref _downPackets);
    }

    public long CountDrop(string reason) => _drops.AddOrUpdate(reason, 1, (_, n) => n + 1);

    /// <summary><c>up 12 packets (1234 B), down 10 packets (987 B), dropped 2 (malformed-json 1, not-ip-packet 1)</c>.</summary>
    public override string ToString()
    {
        var drops = Drops;
        var dropText = drops.Count == 0 ? "dropped 0" : $"dropped {drops.Values.Sum()} ({string.Join(", ", drops.Select(d => $"{d.Key} {d.Value}"))})";
        return $"up {UpPackets} packets ({UpBytes} B), down {DownPackets} packets ({DownBytes} B), {dropText}";
    }
}
