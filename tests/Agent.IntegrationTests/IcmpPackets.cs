using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Agent.IntegrationTests;

/// <summary>
/// Builds and parses whole IP packets carrying ICMP echo (ping), with real checksums, for tests
/// that push packets through a TUN interface or a simulated mote.
/// </summary>
public static class IcmpPackets
{
    public const byte Icmpv4EchoRequest = 8;
    public const byte Icmpv4EchoReply = 0;
    public const byte Icmpv6EchoRequest = 128;
    public const byte Icmpv6EchoReply = 129;

    private const byte ProtocolIcmpv4 = 1;
    private const byte NextHeaderIcmpv6 = 58;
    private const int Ipv6HeaderLength = 40;
    private const int Ipv4HeaderLength = 20;
    private const int EchoHeaderLength = 8;

    public static byte[] EchoRequestV6(IPAddress source, IPAddress destination, ushort identifier, ushort sequence, ReadOnlySpan<byte> payload, byte hopLimit = 64) =>
        EchoV6(Icmpv6EchoRequest, source, destination, identifier, sequence, payload, hopLimit);

    public static byte[] EchoReplyV6(IPAddress source, IPAddress destination, ushort identifier, ushort sequence, ReadOnlySpan<byte> payload, byte hopLimit = 64) =>
        EchoV6(Icmpv6EchoReply, source, destination, identifier, sequence, payload, hopLimit);

    public static byte[] EchoRequestV4(IPAddress source, IPAddress destination, ushort identifier, ushort sequence, ReadOnlySpan<byte> payload, byte ttl = 64) =>
        EchoV4(Icmpv4EchoRequest, source, destination, identifier, sequence, payload, ttl);

    public static byte[] EchoReplyV4(IPAddress source, IPAddress destination, ushort identifier, ushort sequence, ReadOnlySpan<byte> payload, byte ttl = 64) =>
        EchoV4(Icmpv4EchoReply, source, destination, identifier, sequence, payload, ttl);

    /// <summary>An echo request of the family of <paramref name="source"/> (ICMPv6 for IPv6, ICMP for IPv4).</summary>
    public static byte[] EchoRequest(IPAddress source, IPAddress destination, ushort identifier, ushort sequence, ReadOnlySpan<byte> payload) =>
        source.AddressFamily == AddressFamily.InterNetworkV6
            ? EchoRequestV6(source, destination, identifier, sequence, payload)
            : EchoRequestV4(source, destination, identifier, sequence, payload);

    /// <summary>
    /// Parses an IPv4 or IPv6 packet holding an ICMP echo request or reply (IPv6 without extension
    /// headers). False for anything else, including a wrong IPv4 header or ICMP checksum.
    /// </summary>
    public static bool TryParseEcho(ReadOnlySpan<byte> packet, out IcmpEcho echo)
    {
        echo = null!;
        if (packet.IsEmpty)
        {
            return false;
        }

        return (packet[0] >> 4) switch
        {
            6 => TryParseEchoV6(packet, out echo),
            4 => TryParseEchoV4(packet, out echo),
            _ => false,
        };
    }

    /// <summary>True when <paramref name="packet"/> is the echo reply to a request with these addresses, identifier and sequence.</summary>
    public static bool IsEchoReplyTo(ReadOnlySpan<byte> packet, IPAddress requestSource, IPAddress requestDestination, ushort identifier, ushort sequence) =>
        TryParseEcho(packet, out IcmpEcho echo)
        && echo.IsReply
        && echo.Source.Equals(requestDestination)
        && echo.Destination.Equals(requestSource)
        && echo.Identifier == identifier
        && echo.Sequence == sequence;

    /// <summary>The Internet checksum (RFC 1071) of <paramref name="data"/>, continuing from a partial sum.</summary>
    public static ushort InternetChecksum(ReadOnlySpan<byte> data, uint partialSum = 0) =>
        (ushort)~Fold(Sum(data, partialSum));

    /// <summary>The ICMPv6 checksum: over the IPv6 pseudo-header and the ICMPv6 message (RFC 8200 section 8.1).</summary>
    public static ushort Icmpv6Checksum(IPAddress source, IPAddress destination, ReadOnlySpan<byte> icmpMessage)
    {
        Span<byte> pseudoHeader = stackalloc byte[40];
        source.TryWriteBytes(pseudoHeader[..16], out _);
        destination.TryWriteBytes(pseudoHeader[16..32], out _);
        BinaryPrimitives.WriteUInt32BigEndian(pseudoHeader[32..36], (uint)icmpMessage.Length);
        pseudoHeader[36..39].Clear();
        pseudoHeader[39] = NextHeaderIcmpv6;
        return InternetChecksum(icmpMessage, Sum(pseudoHeader, 0));
    }

    private static byte[] EchoV6(byte type, IPAddress source, IPAddress destination, ushort identifier, ushort sequence, ReadOnlySpan<byte> payload, byte hopLimit)
    {
        RequireFamily(AddressFamily.InterNetworkV6, source, destination);
        int icmpLength = EchoHeaderLength + payload.Length;
        var packet = new byte[Ipv6HeaderLength + icmpLength];
        Span<byte> span = packet;
        span[0] = 0x60; // version 6, traffic class 0, flow label 0
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], (ushort)icmpLength);
        span[6] = NextHeaderIcmpv6;
        span[7] = hopLimit;
        source.TryWriteBytes(span[8..24], out _);
        destination.TryWriteBytes(span[24..40], out _);

        Span<byte> icmp = span[Ipv6HeaderLength..];
        WriteEcho(icmp, type, identifier, sequence, payload);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Icmpv6Checksum(source, destination, icmp));
        return packet;
    }

    private static byte[] EchoV4(byte type, IPAddress source, IPAddress destination, ushort identifier, ushort sequence, ReadOnlySpan<byte> payload, byte ttl)
    {
        RequireFamily(AddressFamily.InterNetwork, source, destination);
        var packet = new byte[Ipv4HeaderLength + EchoHeaderLength + payload.Length];
        Span<byte> span = packet;
        span[0] = 0x45; // version 4, 5-word header
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], identifier); // IP identification: anything will do
        BinaryPrimitives.WriteUInt16BigEndian(span[6..], 0x4000); // don't fragment
        span[8] = ttl;
        span[9] = ProtocolIcmpv4;
        source.TryWriteBytes(span[12..16], out _);
        destination.TryWriteBytes(span[16..20], out _);
        BinaryPrimitives.WriteUInt16BigEndian(span[10..], InternetChecksum(span[..Ipv4HeaderLength]));

        Span<byte> icmp = span[Ipv4HeaderLength..];
        WriteEcho(icmp, type, identifier, sequence, payload);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], InternetChecksum(icmp));
        return packet;
    }

    private static void WriteEcho(Span<byte> icmp, byte type, ushort identifier, ushort sequence, ReadOnlySpan<byte> payload)
    {
        icmp[0] = type;
        icmp[1] = 0; // code
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], 0); // checksum, filled in last
        BinaryPrimitives.WriteUInt16BigEndian(icmp[4..], identifier);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[6..], sequence);
        payload.CopyTo(icmp[EchoHeaderLength..]);
    }

    private static bool TryParseEchoV6(ReadOnlySpan<byte> packet, out IcmpEcho echo)
    {
        echo = null!;
        if (packet.Length < Ipv6HeaderLength + EchoHeaderLength || packet[6] != NextHeaderIcmpv6)
        {
            return false;
        }

        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        if (Ipv6HeaderLength + payloadLength > packet.Length || payloadLength < EchoHeaderLength)
        {
            return false;
        }

        var source = new IPAddress(packet[8..24]);
        var destination = new IPAddress(packet[24..40]);
        ReadOnlySpan<byte> icmp = packet.Slice(Ipv6HeaderLength, payloadLength);
        if (icmp[0] is not (Icmpv6EchoRequest or Icmpv6EchoReply) || icmp[1] != 0
            || Icmpv6Checksum(source, destination, icmp) != 0)
        {
            return false;
        }

        echo = ToEcho(source, destination, icmp[0] == Icmpv6EchoReply, icmp);
        return true;
    }

    private static bool TryParseEchoV4(ReadOnlySpan<byte> packet, out IcmpEcho echo)
    {
        echo = null!;
        if (packet.Length < Ipv4HeaderLength)
        {
            return false;
        }

        int headerLength = (packet[0] & 0x0f) * 4;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if (headerLength < Ipv4HeaderLength || totalLength > packet.Length || totalLength < headerLength + EchoHeaderLength
            || packet[9] != ProtocolIcmpv4 || InternetChecksum(packet[..headerLength]) != 0)
        {
            return false;
        }

        ReadOnlySpan<byte> icmp = packet[headerLength..totalLength];
        if (icmp[0] is not (Icmpv4EchoRequest or Icmpv4EchoReply) || icmp[1] != 0 || InternetChecksum(icmp) != 0)
        {
            return false;
        }

        echo = ToEcho(new IPAddress(packet[12..16]), new IPAddress(packet[16..20]), icmp[0] == Icmpv4EchoReply, icmp);
        return true;
    }

    private static IcmpEcho ToEcho(IPAddress source, IPAddress destination, bool isReply, ReadOnlySpan<byte> icmp) =>
        new(source, destination, isReply,
            BinaryPrimitives.ReadUInt16BigEndian(icmp[4..]),
            BinaryPrimitives.ReadUInt16BigEndian(icmp[6..]),
            icmp[EchoHeaderLength..].ToArray());

    private static void RequireFamily(AddressFamily family, IPAddress source, IPAddress destination)
    {
        if (source.AddressFamily != family || destination.AddressFamily != family)
        {
            throw new ArgumentException($"both addresses must be {family}: {source}, {destination}");
        }
    }

    private static uint Sum(ReadOnlySpan<byte> data, uint sum)
    {
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (uint)data[i] << 8; // an odd last byte is padded with a zero
        }

        return Fold(sum);
    }

    private static uint Fold(uint sum)
    {
        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return sum;
    }
}
