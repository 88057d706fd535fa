using System.Collections.Concurrent;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>
/// Reassembles the FRAG1/FRAGN fragments the DAG root bridges one per <c>D</c> frame, by the gateway rule of
/// OPENWSN.md D.2.1 (not OpenVisualizer's sum-of-lengths test). Thread-safe: a timer may call
/// <see cref="ExpireStale"/> while the serial reader calls <see cref="Accept"/>.
/// </summary>
public sealed class FragmentReassembler
{
    /// <summary>An incomplete datagram is dropped this long after its first fragment (FW FRAG_REASSEMBLY_TIMEOUT, D.2.1).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Motes refuse larger datagrams (FW IPV6_PACKET_SIZE, ERR_FRAG_INVALID_SIZE, D.4.4); so do we.</summary>
    public const int MaxDatagramSize = 1320;

    public const int DefaultMaxPending = 32;

    private const int Frag1HeaderLength = 4;
    private const int FragNHeaderLength = 5;

    private readonly TimeProvider _time;
    private readonly int _maxPending;
    private readonly Lock _lock = new();
    private readonly Dictionary<DatagramKey, PartialDatagram> _pending = [];
    private readonly ConcurrentQueue<Drop> _losses = new();
    private long _expired;
    private long _evicted;
    private long _duplicates;

    /// <param name="maxPending">How many incomplete datagrams are kept at once; beyond, the oldest is dropped.</param>
    public FragmentReassembler(TimeProvider time, int maxPending = DefaultMaxPending)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPending, 1);
        _time = time;
        _maxPending = maxPending;
    }

    /// <summary>Incomplete datagrams dropped by the 60 s timeout.</summary>
    public long Expired => Interlocked.Read(ref _expired);

    /// <summary>Incomplete datagrams dropped to make room (more than <c>maxPending</c> at once).</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    /// <summary>Fragments ignored because their datagram already had that piece (FW store_fragment does the same).</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>
    /// The incomplete datagrams given up since the last call (timed out, or pushed out), one <see cref="Drop"/> each,
    /// for the caller to count: they happen beside <see cref="Accept"/>'s result, not as it.
    /// </summary>
    public IEnumerable<Drop> TakeLosses()
    {
        while (_losses.TryDequeue(out var loss)) yield return loss;
    }

    /// <summary>Incomplete datagrams held now.</summary>
    public int Pending
    {
        get
        {
            lock (_lock) return _pending.Count;
        }
    }

    /// <summary>Takes the 6LoWPAN bytes of one <c>D</c> frame; a datagram that is not a fragment passes through.</summary>
    /// <param name="previousHop">Part of the key: every fragment of a datagram reaches the root through the same child (D.2.1).</param>
    public ReassemblyResult Accept(ReadOnlySpan<byte> lowpan, Eui64 previousHop)
    {
        lock (_lock) return AcceptLocked(lowpan, previousHop);
    }

    private ReassemblyResult AcceptLocked(ReadOnlySpan<byte> lowpan, Eui64 previousHop)
    {
        Purge();
        if (lowpan.IsEmpty || !IsFragment(lowpan[0])) return new ReassemblyResult.Complete(lowpan.ToArray(), false);

        var isFirst = (lowpan[0] & 0xF8) == 0xC0;
        var headerLength = isFirst ? Frag1HeaderLength : FragNHeaderLength;
        if (lowpan.Length < headerLength)
            return new ReassemblyResult.Dropped(new Drop(DropReason.OpenWsnBadFragment, $"{lowpan.Length}-byte fragment header"));

        // 11-bit size and 16-bit tag (RFC 4944 5.3); OpenWSN's size counts the COMPRESSED datagram (D.2.1).
        var size = ((lowpan[0] & 0x07) << 8) | lowpan[1];
        var tag = (ushort)((lowpan[2] << 8) | lowpan[3]);
        var payload = lowpan[headerLength..];
        var offset = isFirst ? 0 : lowpan[4] * 8;
        if (size > MaxDatagramSize)
            return new ReassemblyResult.Dropped(new Drop(DropReason.OpenWsnDatagramTooLarge, $"datagram size {size} > {MaxDatagramSize} (tag 0x{tag:x4})"));
        if (payload.IsEmpty)
            return new ReassemblyResult.Dropped(new Drop(DropReason.OpenWsnBadFragment, $"empty fragment (tag 0x{tag:x4})"));
        // FRAG1's payload may be a byte shorter or longer than the originator's (RPI rewritten on the way, D.2.1),
        // so only FRAGNs are held to the announced size.
        if (!isFirst && (offset == 0 || offset + payload.Length > size))
            return new ReassemblyResult.Dropped(new Drop(DropReason.OpenWsnBadFragment,
                $"FRAGN bytes {offset}..{offset + payload.Length} outside datagram size {size} (tag 0x{tag:x4})"));

        var key = new DatagramKey(previousHop, tag, size);
        if (!_pending.TryGetValue(key, out var partial))
        {
            if (_pending.Count >= _maxPending) EvictOldest();
            partial = new PartialDatagram(_time.GetTimestamp());
            _pending.Add(key, partial);
        }

        var stored = isFirst ? partial.TryStoreFirst(payload) : partial.TryStore(offset, payload);
        if (!stored)
        {
            Interlocked.Increment(ref _duplicates);
            return new ReassemblyResult.Waiting(Duplicate: true);
        }
        if (!partial.IsComplete(size)) return new ReassemblyResult.Waiting(Duplicate: false);

        _pending.Remove(key);
        return new ReassemblyResult.Complete(partial.Assemble(), true);
    }

    /// <summary>Drops the datagrams whose first fragment is <see cref="Timeout"/> old; also done by every <see cref="Accept"/>.</summary>
    /// <returns>How many were dropped now.</returns>
    public int ExpireStale()
    {
        lock (_lock) return Purge();
    }

    private int Purge()
    {
        var stale = _pending.Where(p => _time.GetElapsedTime(p.Value.Started) >= Timeout).Select(p => p.Key).ToList();
        foreach (var key in stale)
        {
            _pending.Remove(key);
            _losses.Enqueue(new Drop(DropReason.OpenWsnReassemblyTimeout,
                $"datagram tag 0x{key.Tag:x4} from {key.PreviousHop} incomplete after {Timeout.TotalSeconds:0} s"));
        }
        Interlocked.Add(ref _expired, stale.Count);
        return stale.Count;
    }

    /// <summary>FRAG1 <c>11000xxx</c> or FRAGN <c>11100xxx</c> (D.2).</summary>
    public static bool IsFragment(byte dispatch) => (dispatch & 0xF8) is 0xC0 or 0xE0;

    private void EvictOldest()
    {
        var oldest = _pending.MinBy(p => p.Value.Started).Key;
        _pending.Remove(oldest);
        _losses.Enqueue(new Drop(DropReason.OpenWsnReassemblyFull,
            $"datagram tag 0x{oldest.Tag:x4} from {oldest.PreviousHop} pushed out: {_maxPending} incomplete at once"));
        Interlocked.Increment(ref _evicted);
    }

    /// <summary>Tags are per mote and may collide between motes (D.2.1): the previous hop narrows the key.</summary>
    private readonly record struct DatagramKey(Eui64 PreviousHop, ushort Tag, int Size);

    private sealed class PartialDatagram(long started)
    {
        private readonly SortedList<int, byte[]> _pieces = []; // FRAGN payloads by byte offset
        private byte[]? _first;

        public long Started { get; } = started;

        public bool TryStoreFirst(ReadOnlySpan<byte> payload)
        {
            if (_first is not null) return false;
            _first = payload.ToArray();
            return true;
        }

        // A repeated offset is ignored, as FW store_fragment does (D.2.1).
        public bool TryStore(int offset, ReadOnlySpan<byte> payload) => _pieces.TryAdd(offset, payload.ToArray());

        /// <summary>FRAG1 present and the FRAGNs, by offset, cover (first offset)..size with no gap or overlap (D.2.1).</summary>
        public bool IsComplete(int size)
        {
            if (_first is null) return false;
            if (_pieces.Count == 0) return _first.Length == size;
            var next = _pieces.Keys[0];
            // D.2.1 read literally would complete a datagram whose 2nd fragment is missing: the first FRAGN must also
            // start within one offset unit of FRAG1's end, which still allows a relay's +-1-byte RPI rewrite.
            if (Math.Abs(next - _first.Length) >= 8) return false;
            foreach (var (offset, piece) in _pieces)
            {
                if (offset != next) return false;
                next += piece.Length;
            }
            return next == size;
        }

        public byte[] Assemble()
        {
            var datagram = new byte[_first!.Length + _pieces.Values.Sum(p => p.Length)];
            _first.CopyTo(datagram, 0);
            var at = _first.Length;
            foreach (var piece in _pieces.Values)
            {
                piece.CopyTo(datagram, at);
                at += piece.Length;
            }
            return datagram;
        }
    }
}
