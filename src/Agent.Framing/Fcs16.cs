namespace Agent.Framing;

/// <summary>
/// CRC-16/X-25, the FCS-16 of RFC 1662 that OpenWSN and OpenThread append to HDLC frames (PROTOCOL.md 8):
/// reflected polynomial 0x8408, initial value 0xFFFF, one's complement sent low byte first.
/// </summary>
public static class Fcs16
{
    /// <summary>The running value before any byte.</summary>
    public const ushort Initial = 0xFFFF;

    /// <summary>The running value left after the payload and its (complemented) FCS of a good frame.</summary>
    public const ushort GoodResidue = 0xF0B8;

    // Built once, never written afterwards: Tables[k][i] is the running value's change for byte i followed by k zero
    // bytes, so that eight bytes are folded in at once (slicing-by-8) with no chain from one byte to the next.
    private static readonly ushort[][] Tables = BuildTables();

    /// <summary>The FCS to send for <paramref name="data"/>: the complemented CRC (check("123456789") = 0x906E).</summary>
    public static ushort Compute(ReadOnlySpan<byte> data) => (ushort)~Update(Initial, data);

    /// <summary>Advances the raw running value <paramref name="crc"/> over <paramref name="data"/>.</summary>
    public static ushort Update(ushort crc, ReadOnlySpan<byte> data)
    {
        var t = Tables;
        ushort[] t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3], t4 = t[4], t5 = t[5], t6 = t[6], t7 = t[7];
        while (data.Length >= 8)
        {
            var low = (byte)(crc ^ data[0]);
            var high = (byte)((crc >> 8) ^ data[1]);
            crc = (ushort)(t7[low] ^ t6[high] ^ t5[data[2]] ^ t4[data[3]] ^ t3[data[4]] ^ t2[data[5]] ^ t1[data[6]] ^ t0[data[7]]);
            data = data[8..];
        }
        foreach (var b in data)
            crc = (ushort)((crc >> 8) ^ t0[(byte)(crc ^ b)]);
        return crc;
    }

    /// <summary>One byte at a time, as RFC 1662 computes it: the reference the fast path is tested against.</summary>
    internal static ushort UpdateBytewise(ushort crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
                crc = (crc & 1) != 0 ? (ushort)((crc >> 1) ^ 0x8408) : (ushort)(crc >> 1);
        }
        return crc;
    }

    private static ushort[][] BuildTables()
    {
        var tables = new ushort[8][];
        tables[0] = new ushort[256];
        for (var i = 0; i < 256; i++) tables[0][i] = UpdateBytewise(0, [(byte)i]);
        for (var k = 1; k < 8; k++)
        {
            tables[k] = new ushort[256];
            for (var i = 0; i < 256; i++)
            {
                var previous = tables[k - 1][i];
                tables[k][i] = (ushort)((previous >> 8) ^ tables[0][(byte)previous]);
            }
        }
        return tables;
    }
}
