using Agent.Core.Capture;

namespace Agent.Dashboard;

/// <summary>One packet the dashboard saw: its place in the ring, the record a capture file holds, and its line.</summary>
public sealed record RingPacket(long Sequence, CaptureRecord Record, string To, string Line);

/// <summary>
/// The last minutes of the session's packets, in memory, for the page's list and for the pcapng download: bounded by
/// age, by count and by bytes, the oldest forgotten first. Thread-safe: the bus adds while pages read.
/// </summary>
public sealed class PacketRing(TimeSpan keep, int maxPackets, long maxBytes, TimeProvider time)
{
    public const int DefaultMaxPackets = 200_000;

    public const long DefaultMaxBytes = 64_000_000;

    private readonly Lock _lock = new();
    private readonly Queue<RingPacket> _packets = new();
    private long _bytes;
    private long _next = 1;
    private long _forgotten;

    public TimeSpan Keep => keep;

    /// <summary>The sequence number of the last packet added (0 before the first).</summary>
    public long LastSequence
    {
        get { lock (_lock) return _next - 1; }
    }

    public int Count
    {
        get { lock (_lock) return _packets.Count; }
    }

    /// <summary>Packets forgotten before their time because the ring was full (by count or bytes).</summary>
    public long Forgotten
    {
        get { lock (_lock) return _forgotten; }
    }

    public RingPacket Add(CaptureRecord record, string to, string line)
    {
        lock (_lock)
        {
            var packet = new RingPacket(_next++, record, to, line);
            _packets.Enqueue(packet);
            _bytes += record.Data.Length;
            while (_packets.Count > maxPackets || _bytes > maxBytes)
            {
                Forget();
                _forgotten++;
            }
            Trim();
            return packet;
        }
    }

    /// <summary>The packets after <paramref name="sequence"/>, at most the last <paramref name="max"/> of them.</summary>
    public IReadOnlyList<RingPacket> After(long sequence, int max)
    {
        lock (_lock)
        {
            Trim();
            var after = _packets.Where(p => p.Sequence > sequence).ToList();
            return after.Count > max ? after[^max..] : after;
        }
    }

    /// <summary>The packets of the last <paramref name="span"/> as one pcapng file, an interface per agent as <c>agent capture</c> writes.</summary>
    public byte[] PcapNg(TimeSpan span)
    {
        List<CaptureRecord> records;
        lock (_lock)
        {
            Trim();
            var since = time.GetUtcNow() - span;
            records = _packets.Where(p => p.Record.Timestamp >= since).Select(p => p.Record).ToList();
        }
        using var stream = new MemoryStream();
        var writer = new PcapNgWriter(stream, "agent dashboard");
        foreach (var record in records) writer.Write(record);
        return stream.ToArray();
    }

    private void Trim()
    {
        var oldest = time.GetUtcNow() - keep;
        while (_packets.TryPeek(out var first) && first.Record.Timestamp < oldest) Forget();
    }

    private void Forget() => _bytes -= _packets.Dequeue().Record.Data.Length;
}
