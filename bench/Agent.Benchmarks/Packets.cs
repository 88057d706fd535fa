namespace Agent.Benchmarks;

/// <summary>Well-formed packets of a given size for the benchmarks.</summary>
internal static class Packets
{
    /// <summary>An IPv6 packet bbbb::1 -> bbbb::<paramref name="destinationHost"/> of <paramref name="size"/> bytes.</summary>
    public static byte[] Ipv6(int size, byte destinationHost = 2)
    {
        var packet = new byte[size];
        packet[0] = 0x60;
        packet[4] = (byte)((size - 40) >> 8);
        packet[5] = (byte)(size - 40);
        packet[6] = 59;
        packet[7] = 64;
        packet[8] = packet[9] = packet[24] = packet[25] = 0xbb;
        packet[23] = 1;
        packet[39] = destinationHost;
        for (var i = 40; i < size; i++) packet[i] = (byte)i;
        return packet;
    }
}
