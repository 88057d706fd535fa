namespace FirmwareSim.Tests;

/// <summary>
/// The tests' own reading of what the root bridges up (OPENWSN.md B.1, D.2.1, D.2.4), written apart from the
/// simulator's code and limited to the forms the firmware emits: D header, FRAG1/FRAGN reassembly by offset, and
/// <c>F1 | RPI | [IPinIP len 17] | 7A 55 or 7A 00 | L4</c> rebuilt as IPv6.
/// </summary>
internal static class UpstreamReader
{
    public static readonly byte[] Prefix = Convert.FromHexString("bbbb000000000000");

    /// <summary>The 6LoWPAN part of a bridged D frame, after checking its header.</summary>
    public static byte[] Lowpan(byte[] frame, string previousHop = "141592cc00000002")
    {
        Assert.Equal((byte)'D', frame[0]);
        Assert.Equal("0001", Convert.ToHexStringLower(frame, 1, 2));
        Assert.Equal("141592cc00000001", Convert.ToHexStringLower(frame, 8, 8));
        Assert.Equal(previousHop, Convert.ToHexStringLower(frame, 16, 8));
        return frame[24..];
    }

    /// <summary>Puts fragments (or one whole datagram) back together: FRAG1 payload, then FRAGN payloads by offset.</summary>
    public static byte[] Reassemble(IEnumerable<byte[]> lowpans)
    {
        var list = lowpans.ToList();
        if (list.Count == 1 && (list[0][0] & 0xF8) is not (0xC0 or 0xE0)) return list[0];
        var first = list.Single(l => (l[0] & 0xF8) == 0xC0);
        var size = ((first[0] & 7) << 8) | first[1];
        var result = new List<byte>(first[4..]);
        foreach (var n in list.Where(l => (l[0] & 0xF8) == 0xE0).OrderBy(l => l[4]))
        {
            Assert.Equal(((first[0] & 7) << 8) | first[1], ((n[0] & 7) << 8) | n[1]);
            Assert.Equal(first[2..4], n[2..4]);
            result.AddRange(n[5..]);
        }
        Assert.True(result.Count <= size + 1 && result.Count >= size - 1, $"reassembled {result.Count} bytes of a {size}-byte datagram");
        return [.. result];
    }

    /// <summary>The IPv6 packet of a firmware-form datagram; the RPI's rank and flags are returned for checking.</summary>
    public static byte[] ToIpv6(byte[] lowpan, out byte rpiFlags)
    {
        var i = 0;
        Assert.Equal(0xF1, lowpan[i++]);
        rpiFlags = lowpan[i];
        Assert.Equal(0x80, lowpan[i] & 0xE0);
        Assert.Equal(5, lowpan[i + 1]);
        i += (lowpan[i] & 1) == 1 ? 3 : 4;
        byte[]? outerSource = null;
        if (lowpan[i] == 0xB1)
        {
            Assert.Equal(6, lowpan[i + 1]);
            outerSource = lowpan[(i + 3)..(i + 19)];
            i += 19;
        }
        Assert.Equal(0x7A, lowpan[i]);
        var addressing = lowpan[i + 1];
        var nextHeader = lowpan[i + 2];
        i += 3;
        byte[] source, destination;
        if (addressing == 0x55)
        {
            source = [.. Prefix, .. lowpan[i..(i + 8)]];
            destination = [.. Prefix, .. lowpan[(i + 8)..(i + 16)]];
            i += 16;
        }
        else
        {
            Assert.Equal(0x00, addressing);
            Assert.NotNull(outerSource);
            source = lowpan[i..(i + 16)];
            destination = lowpan[(i + 16)..(i + 32)];
            i += 32;
            Assert.Equal(outerSource, source);
        }
        var l4 = lowpan[i..];
        return [0x60, 0, 0, 0, (byte)(l4.Length >> 8), (byte)l4.Length, nextHeader, 64, .. source, .. destination, .. l4];
    }
}
