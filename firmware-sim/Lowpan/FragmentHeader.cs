namespace FirmwareSim.Lowpan;

/// <summary>
/// An RFC 4944 fragment header as OpenWSN uses it (OPENWSN.md D.2.1): FRAG1 <c>C0|size&gt;&gt;8, size, tag(2)</c>,
/// FRAGN the same with <c>E0</c> and an offset in units of 8 bytes. Size and offset count bytes of the
/// <em>compressed</em> datagram, not of the IPv6 packet as the RFCs have it.
/// </summary>
public readonly record struct FragmentHeader(bool IsFirst, int Size, ushort Tag, int Offset)
{
    public const int Frag1Length = 4;
    public const int FragNLength = 5;

    public int Length => IsFirst ? Frag1Length : FragNLength;

    /// <summary>Where the fragment's payload starts in the datagram, in bytes.</summary>
    public int ByteOffset => Offset * 8;

    public static bool TryParse(ReadOnlySpan<byte> data, out FragmentHeader header)
    {
        header = default;
        if (data.Length < Frag1Length) return false;
        var size = ((data[0] & 0x07) << 8) | data[1];
        var tag = (ushort)((data[2] << 8) | data[3]);
        if (LowpanDispatch.IsFrag1(data[0]))
        {
            header = new FragmentHeader(true, size, tag, 0);
            return true;
        }
        if (!LowpanDispatch.IsFragN(data[0]) || data.Length < FragNLength) return false;
        header = new FragmentHeader(false, size, tag, data[4]);
        return true;
    }

    public void WriteTo(List<byte> destination)
    {
        destination.Add((byte)((IsFirst ? LowpanDispatch.Frag1 : LowpanDispatch.FragN) | ((Size >> 8) & 0x07)));
        destination.Add((byte)Size);
        destination.Add((byte)(Tag >> 8));
        destination.Add((byte)Tag);
        if (!IsFirst) destination.Add((byte)Offset);
    }
}
