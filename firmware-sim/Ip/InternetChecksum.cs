using System.Buffers.Binary;

namespace FirmwareSim.Ip;

/// <summary>The Internet checksum (RFC 1071) and the pseudo-headers of IPv6 (RFC 8200 8.1) and IPv4 (RFC 768).</summary>
public static class InternetChecksum
{
    /// <summary>The checksum to write into a header whose checksum field is zero.</summary>
    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Add(0, data));

    /// <summary>Checksum of an ICMPv6, UDP or TCP message over IPv6, with its pseudo-header.</summary>
    public static ushort Ipv6(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte nextHeader, ReadOnlySpan<byte> message)
    {
        Span<byte> lengthAndHeader = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(lengthAndHeader, (uint)message.Length);
        lengthAndHeader[7] = nextHeader;
        var sum = Add(0, source);
        sum = Add(sum, destination);
        sum = Add(sum, lengthAndHeader);
        return Finish(Add(sum, message));
    }

    /// <summary>Checksum of a UDP or TCP message over IPv4, with its pseudo-header.</summary>
    public static ushort Ipv4(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte protocol, ReadOnlySpan<byte> message)
    {
        Span<byte> protocolAndLength = [0, protocol, (byte)(message.Length >> 8), (byte)message.Length];
        var sum = Add(0, source);
        sum = Add(sum, destination);
        sum = Add(sum, protocolAndLength);
        return Finish(Add(sum, message));
    }

    // Every span but the last must have an even length (the pseudo-header parts do).
    private static ulong Add(ulong sum, ReadOnlySpan<byte> data)
    {
        var i = 0;
        for (; i + 1 < data.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length) sum += (ulong)data[i] << 8;
        return sum;
    }

    private static ushort Finish(ulong sum)
    {
        while (sum >> 16 != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }
}
