using System.Buffers.Binary;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>
/// RH3-6LoRHs (RFC 8138 source routing) as openvisualizer writes them (OPENWSN.md D.4.3): each hop is compressed
/// against the one before it, and consecutive hops of the same compression type share one header
/// <c>0x80|(count-1), type, suffixes...</c>.
/// </summary>
internal static class Rh3Encoder
{
    private const byte CriticalDispatch = 0x80;

    // The size field is 5 bits. OV never splits a group; past 32 hops it would corrupt the dispatch, so we split.
    internal const int MaxHopsPerHeader = 32;

    /// <summary>Room for <paramref name="hopCount"/> hops in the worst case: one header per 8-byte hop.</summary>
    public static int MaxLength(int hopCount) => hopCount * (2 + Eui64.Length);

    /// <summary>
    /// The RH3 type of <paramref name="hop"/> against <paramref name="reference"/> (an interface id), tested in OV's
    /// order, first match wins: 0 if IID bytes 0..6 are equal, 1 if bytes 0..5, 2 if bytes 0..3, else 3 (D.4.3).
    /// Type 4 (16 bytes) is never used: every hop is in the network prefix.
    /// </summary>
    public static byte SuffixType(ulong reference, Eui64 hop)
    {
        var difference = reference ^ hop.Value;
        if (difference >> 8 == 0) return 0;
        if (difference >> 16 == 0) return 1;
        if (difference >> 32 == 0) return 2;
        return 3;
    }

    /// <summary>Bytes of each hop a type carries: its last 1, 2, 4 or 8 bytes.</summary>
    public static int SuffixLength(byte type) => 1 << type;

    /// <summary>
    /// Writes the headers for <paramref name="hops"/>, listed from the root's child down to the destination's parent,
    /// the first compared with <paramref name="reference"/> and each next one with the hop before it; returns the length.
    /// </summary>
    public static int Write(ulong reference, IReadOnlyList<Eui64> hops, Span<byte> destination)
    {
        Span<byte> hopBytes = stackalloc byte[Eui64.Length];
        var n = 0;
        var i = 0;
        while (i < hops.Count)
        {
            var type = SuffixType(reference, hops[i]);
            var suffixLength = SuffixLength(type);
            var header = n;
            n += 2;
            var count = 0;
            while (i < hops.Count && count < MaxHopsPerHeader && SuffixType(reference, hops[i]) == type)
            {
                BinaryPrimitives.WriteUInt64BigEndian(hopBytes, hops[i].Value);
                hopBytes[^suffixLength..].CopyTo(destination[n..]);
                n += suffixLength;
                reference = hops[i].Value;
                i++;
                count++;
            }
            destination[header] = (byte)(CriticalDispatch | (count - 1));
            destination[header + 1] = type;
        }
        return n;
    }
}
