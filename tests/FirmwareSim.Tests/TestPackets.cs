using System.Net;

namespace FirmwareSim.Tests;

/// <summary>
/// Builds and checks packets for the tests with its own checksum code (a full pseudo-header laid out in a buffer,
/// summed word by word), written apart from the mote's so that one bug cannot hide in both.
/// </summary>
internal static class TestPackets
{
    public static readonly IPAddress Host6 = IPAddress.Parse("bbbb::1");
    public static readonly IPAddress Host4 = IPAddress.Parse("10.2.0.1");

    public static ushort OnesComplementSum(byte[] data)
    {
        uint sum = 0;
        for (var i = 0; i < data.Length; i += 2)
        {
            var word = (data[i] << 8) | (i + 1 < data.Length ? data[i + 1] : 0);
            sum += (uint)word;
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (ushort)~sum;
    }

    /// <summary>0 when the upper-layer message over IPv6 checks.</summary>
    public static ushort Verify6(byte[] ipv6Packet)
    {
        var length = (ipv6Packet[4] << 8) | ipv6Packet[5];
        var pseudo = new byte[40 + length];
        Array.Copy(ipv6Packet, 8, pseudo, 0, 32);
        pseudo[32] = (byte)(length >> 24);
        pseudo[33] = (byte)(length >> 16);
        pseudo[34] = (byte)(length >> 8);
        pseudo[35] = (byte)length;
        pseudo[39] = ipv6Packet[6];
        Array.Copy(ipv6Packet, 40, pseudo, 40, length);
        return OnesComplementSum(pseudo);
    }

    /// <summary>0 when the UDP datagram over IPv4 checks.</summary>
    public static ushort VerifyUdp4(byte[] ipv4Packet)
    {
        var headerLength = (ipv4Packet[0] & 0xF) * 4;
        var length = ipv4Packet.Length - headerLength;
        var pseudo = new byte[12 + length];
        Array.Copy(ipv4Packet, 12, pseudo, 0, 8);
        pseudo[9] = 17;
        pseudo[10] = (byte)(length >> 8);
        pseudo[11] = (byte)length;
        Array.Copy(ipv4Packet, headerLength, pseudo, 12, length);
        return OnesComplementSum(pseudo);
    }

    public static byte[] Ipv6(IPAddress source, IPAddress destination, byte nextHeader, byte[] message, int checksumOffset)
    {
        var packet = new byte[40 + message.Length];
        packet[0] = 0x60;
        packet[4] = (byte)(message.Length >> 8);
        packet[5] = (byte)message.Length;
        packet[6] = nextHeader;
        packet[7] = 64;
        source.GetAddressBytes().CopyTo(packet, 8);
        destination.GetAddressBytes().CopyTo(packet, 24);
        message.CopyTo(packet, 40);
        var checksum = Verify6(packet);
        packet[40 + checksumOffset] = (byte)(checksum >> 8);
        packet[40 + checksumOffset + 1] = (byte)checksum;
        return packet;
    }

    public static byte[] EchoRequest6(IPAddress source, IPAddress destination, ushort id, ushort sequence, byte[] data) =>
        Ipv6(source, destination, 58, [128, 0, 0, 0, (byte)(id >> 8), (byte)id, (byte)(sequence >> 8), (byte)sequence, .. data], 2);

    public static byte[] Udp6(IPAddress source, IPAddress destination, ushort sourcePort, ushort destinationPort, byte[] data)
    {
        var length = 8 + data.Length;
        return Ipv6(source, destination, 17,
            [(byte)(sourcePort >> 8), (byte)sourcePort, (byte)(destinationPort >> 8), (byte)destinationPort, (byte)(length >> 8), (byte)length, 0, 0, .. data], 6);
    }

    public static byte[] Ipv4(IPAddress source, IPAddress destination, byte protocol, byte[] message)
    {
        var packet = new byte[20 + message.Length];
        packet[0] = 0x45;
        packet[2] = (byte)(packet.Length >> 8);
        packet[3] = (byte)packet.Length;
        packet[4] = 0x12;
        packet[5] = 0x34;
        packet[8] = 64;
        packet[9] = protocol;
        source.GetAddressBytes().CopyTo(packet, 12);
        destination.GetAddressBytes().CopyTo(packet, 16);
        var headerChecksum = OnesComplementSum(packet[..20]);
        packet[10] = (byte)(headerChecksum >> 8);
        packet[11] = (byte)headerChecksum;
        message.CopyTo(packet, 20);
        return packet;
    }

    public static byte[] EchoRequest4(IPAddress source, IPAddress destination, ushort id, ushort sequence, byte[] data)
    {
        byte[] icmp = [8, 0, 0, 0, (byte)(id >> 8), (byte)id, (byte)(sequence >> 8), (byte)sequence, .. data];
        var checksum = OnesComplementSum(icmp);
        icmp[2] = (byte)(checksum >> 8);
        icmp[3] = (byte)checksum;
        return Ipv4(source, destination, 1, icmp);
    }

    public static byte[] Udp4(IPAddress source, IPAddress destination, ushort sourcePort, ushort destinationPort, byte[] data)
    {
        var length = 8 + data.Length;
        var packet = Ipv4(source, destination, 17,
            [(byte)(sourcePort >> 8), (byte)sourcePort, (byte)(destinationPort >> 8), (byte)destinationPort, (byte)(length >> 8), (byte)length, 0, 0, .. data]);
        var checksum = VerifyUdp4(packet);
        packet[26] = (byte)(checksum >> 8);
        packet[27] = (byte)checksum;
        return packet;
    }

    public static IPAddress Source6(byte[] packet) => new(packet.AsSpan(8, 16));
    public static IPAddress Destination6(byte[] packet) => new(packet.AsSpan(24, 16));
    public static ushort Word(byte[] data, int offset) => (ushort)((data[offset] << 8) | data[offset + 1]);
}
