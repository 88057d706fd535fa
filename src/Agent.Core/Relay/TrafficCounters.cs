using Agent.Core.Drops;

namespace Agent.Core.Relay;

/// <summary>What an agent moved each way and what it dropped, by reason. Thread-safe; shared by a relay and its connector.</summary>
public sealed class TrafficCounters
{
    private long _upPackets, _upBytes, _downPackets, _downBytes;

    public long UpPackets => Interlocked.Read(ref _upPackets);
    public long UpBytes => Interlocked.Read(ref _upBytes);
    public long DownPackets => Interlocked.Read(ref _downPackets);
    public long DownBytes => Interlocked.Read(ref _downBytes);

    public DropCounts Drops { get; } = new();

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

    public void CountDrop(DropReason reason) => Drops.Count(reason);

    /// <summary><c>up 12 packets (1234 B), down 10 packets (987 B), dropped 2 (malformed-json 1, not-ip-packet 1)</c>.</summary>
    public override string ToString() =>
        $"up {UpPackets} packets ({UpBytes} B), down {DownPackets} packets ({DownBytes} B), {Drops}";
}
