using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using Agent.Core.Protocol;

namespace Agent.Dashboard.Tests;

/// <summary>Packets and their bus bodies for the tests.</summary>
public static class Packets
{
    /// <summary>An IPv6 ICMPv6 echo request (checksum left zero: nothing here checks it).</summary>
    public static byte[] EchoRequest(string source, string destination, ushort sequence = 1, int payload = 8)
    {
        var packet = new byte[40 + 8 + payload];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)(8 + payload));
        packet[6] = 58;
        packet[7] = 64;
        IPAddress.Parse(source).GetAddressBytes().CopyTo(packet, 8);
        IPAddress.Parse(destination).GetAddressBytes().CopyTo(packet, 24);
        packet[40] = 128;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(44), 7);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(46), sequence);
        return packet;
    }

    public static byte[] Body(byte[] packet, DateTimeOffset at)
    {
        var output = new ArrayBufferWriter<byte>();
        PacketMessage.Write(output, packet, "tun0", at);
        return output.WrittenSpan.ToArray();
    }
}
