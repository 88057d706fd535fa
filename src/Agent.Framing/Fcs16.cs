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

    // Built once, never written afterwards.
    private static readonly ushort[] Table = BuildTable();

    /// <summary>The FCS to send for <paramref name="data"/>: the complemented CRC (check("123456789") = 0x906E).</summary>
    public static ushort Compute(ReadOnlySpan<byte> data) => (ushort)~Update(Initial, data);

    /// <summary>Advances the raw running value <paramref name="crc"/> over <paramref name="data"/>.</summary>
    public static ushort Update(ushort crc, ReadOnlySpan<byte> data)
    {
        var table = Table;
        foreach (var b in data)
            crc = (ushort)((crc >> 8) ^ table[(byte)(crc ^ b)]);
        return crc;
    }

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (var i = 0; i < 256; i++)
        {
            var crc = (ushort)i;
            for (var bit = 0; bit < 8; bit++)
                crc = (crc & 1) != 0 ? (ushort)((crc >> 1) ^ 0x8408) : (ushort)(crc >> 1);
            table[i] = crc;
        }
        return table;
    }
}
