namespace FirmwareSim.Lowpan;

/// <summary>
/// Puts the host's fragments back together the way the motes count them (FW frag.c, OPENWSN.md D.2.1 and D.4.4):
/// keyed by (tag, size); FRAG1 must carry exactly 80 bytes, since relays and the destination assume
/// MAX_FRAGMENT_SIZE (<c>allocate_vrb</c>, <c>store_fragment</c>) and any other length shifts every later byte;
/// each FRAGN lands at offset * 8; a repeated offset is ignored; the datagram is complete when the pieces cover
/// 0 .. size without gap or overlap. Sizes above 1320 are refused; an incomplete datagram is dropped 60 s after
/// its first fragment (FRAG_REASSEMBLY_TIMEOUT).
/// </summary>
public sealed class Reassembler(TimeProvider time)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly Dictionary<(ushort Tag, int Size), Entry> _entries = new();

    /// <summary>Datagrams waiting for more fragments.</summary>
    public int Pending => _entries.Count;

    /// <param name="fragment">A FRAG1 or FRAGN header and its payload.</param>
    public ReassemblyResult Add(ReadOnlySpan<byte> fragment)
    {
        if (!FragmentHeader.TryParse(fragment, out var header)) return new ReassemblyResult(null, "not a fragment header");
        if (header.Size > Fragmenter.MaxDatagramSize)
            return new ReassemblyResult(null, $"fragment of a {header.Size}-byte datagram: motes take at most {Fragmenter.MaxDatagramSize} (ERR_FRAG_INVALID_SIZE)");
        var payload = fragment[header.Length..];
        var key = (header.Tag, header.Size);
        if (!_entries.TryGetValue(key, out var entry))
        {
            entry = new Entry(time.GetTimestamp());
            _entries[key] = entry;
        }

        if (header.IsFirst)
        {
            if (payload.Length != Fragmenter.PieceSize || header.Size <= Fragmenter.PieceSize)
            {
                _entries.Remove(key);
                return new ReassemblyResult(null, $"FRAG1 (tag {header.Tag}, size {header.Size}) carries {payload.Length} bytes: motes count with exactly {Fragmenter.PieceSize}");
            }
            entry.First ??= payload.ToArray();
        }
        else
        {
            if (header.ByteOffset < Fragmenter.PieceSize || header.ByteOffset + payload.Length > header.Size || payload.IsEmpty)
            {
                _entries.Remove(key);
                return new ReassemblyResult(null, $"FRAGN (tag {header.Tag}, size {header.Size}) at offset {header.ByteOffset} with {payload.Length} bytes does not fit the datagram");
            }
            entry.Rest.TryAdd(header.Offset, payload.ToArray());
        }

        return TryComplete(key, entry);
    }

    /// <summary>Drops datagrams whose first fragment came more than <see cref="Timeout"/> ago; returns how many.</summary>
    public int Expire()
    {
        var now = time.GetTimestamp();
        var expired = _entries.Where(e => time.GetElapsedTime(e.Value.Started, now) >= Timeout).Select(e => e.Key).ToList();
        foreach (var key in expired) _entries.Remove(key);
        return expired.Count;
    }

    public void Clear() => _entries.Clear();

    private ReassemblyResult TryComplete((ushort Tag, int Size) key, Entry entry)
    {
        if (entry.First is null) return ReassemblyResult.Waiting;
        var covered = entry.First.Length;
        foreach (var (offset, piece) in entry.Rest.OrderBy(p => p.Key))
        {
            if (offset * 8 > covered) return ReassemblyResult.Waiting; // a gap: more to come
            if (offset * 8 < covered)
            {
                _entries.Remove(key);
                return new ReassemblyResult(null, $"fragments of tag {key.Tag} overlap at byte {offset * 8}");
            }
            covered += piece.Length;
        }
        if (covered < key.Size) return ReassemblyResult.Waiting;
        _entries.Remove(key);
        var datagram = new byte[key.Size];
        entry.First.CopyTo(datagram, 0);
        foreach (var (offset, piece) in entry.Rest) piece.CopyTo(datagram, offset * 8);
        return new ReassemblyResult(datagram, null);
    }

    private sealed class Entry(long started)
    {
        public long Started { get; } = started;
        public byte[]? First { get; set; }
        public SortedDictionary<int, byte[]> Rest { get; } = new();
    }
}
