using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace FirmwareSim.Ip;

/// <summary>
/// The mote's tiny IP host: answers ICMPv6 and ICMP echo requests and echoes UDP datagrams sent to port 7
/// (RFC 862), over IPv6 and IPv4, for packets addressed to it. Incoming checksums are checked as a real stack
/// would (a corrupted packet gets no answer); replies carry correct ones. No extension headers, no fragments.
/// </summary>
public sealed class IpHost
{
    public const int EchoPort = 7;
    public const byte HopLimit = 64;

    private const int Ipv6HeaderLength = 40;
    private const byte NextHeaderIcmpv6 = 58;
    private const byte ProtocolIcmp = 1;
    private const byte ProtocolUdp = 17;
    private const byte Icmpv6EchoRequest = 128;
    private const byte Icmpv6EchoReply = 129;
    private const byte IcmpEchoRequest = 8;
    private const byte IcmpEchoReply = 0;

    private readonly byte[] _linkLocal;
    private byte[]? _global;
    private readonly byte[]? _ipv4;
    private ushort _ipv4Identification;

    public IpHost(IPAddress linkLocal, IPAddress? global = null, IPAddress? ipv4 = null)
    {
        _linkLocal = Bytes(linkLocal, AddressFamily.InterNetworkV6, nameof(linkLocal));
        _global = global is null ? null : Bytes(global, AddressFamily.InterNetworkV6, nameof(global));
        _ipv4 = ipv4 is null ? null : Bytes(ipv4, AddressFamily.InterNetwork, nameof(ipv4));
    }

    public IPAddress LinkLocal => new(_linkLocal);

    /// <summary>The global IPv6 address: given at start, or learnt from the host's prefix (<c>!P</c>).</summary>
    public IPAddress? Global
    {
        get => _global is null ? null : new IPAddress(_global);
        set => _global = value is null ? null : Bytes(value, AddressFamily.InterNetworkV6, nameof(value));
    }

    public IPAddress? Ipv4 => _ipv4 is null ? null : new IPAddress(_ipv4);

    public IpReply HandleIpv6(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < Ipv6HeaderLength || packet[0] >> 4 != 6) return Ignored(IpOutcome.Malformed);
        var payloadLength = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        if (Ipv6HeaderLength + payloadLength > packet.Length) return Ignored(IpOutcome.Malformed);
        packet = packet[..(Ipv6HeaderLength + payloadLength)]; // a link may pad
        var nextHeader = packet[6];
        var source = packet[8..24];
        var destination = packet[24..40];
        var message = packet[Ipv6HeaderLength..];

        if (!destination.SequenceEqual(_linkLocal) && (_global is null || !destination.SequenceEqual(_global)))
            return Ignored(IpOutcome.NotForMe);
        // Nobody to answer: multicast or unspecified source (RFC 4291 2.7, 2.5.2).
        if (source[0] == 0xFF || source.IndexOfAnyExcept((byte)0) < 0) return Ignored(IpOutcome.Malformed);

        switch (nextHeader)
        {
            case NextHeaderIcmpv6:
                if (message.Length < 8) return Ignored(IpOutcome.Malformed);
                if (InternetChecksum.Ipv6(source, destination, NextHeaderIcmpv6, message) != 0) return Ignored(IpOutcome.BadChecksum);
                if (message[0] != Icmpv6EchoRequest || message[1] != 0) return Ignored(IpOutcome.UnhandledIcmp);
                {
                    var reply = Ipv6Reply(packet, NextHeaderIcmpv6);
                    var icmp = reply.AsSpan(Ipv6HeaderLength);
                    icmp[0] = Icmpv6EchoReply;
                    icmp[2] = 0;
                    icmp[3] = 0;
                    BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], InternetChecksum.Ipv6(reply.AsSpan(8, 16), reply.AsSpan(24, 16), NextHeaderIcmpv6, icmp));
                    return new IpReply(reply, IpOutcome.Icmpv6Echo);
                }
            case ProtocolUdp:
                if (!IsUdp(message) || BinaryPrimitives.ReadUInt16BigEndian(message[4..]) != message.Length) return Ignored(IpOutcome.Malformed);
                // A zero UDP checksum is not allowed over IPv6 (RFC 8200 8.1): it never checks.
                if (InternetChecksum.Ipv6(source, destination, ProtocolUdp, message) != 0) return Ignored(IpOutcome.BadChecksum);
                if (BinaryPrimitives.ReadUInt16BigEndian(message[2..]) != EchoPort) return Ignored(IpOutcome.ClosedPort);
                {
                    var reply = Ipv6Reply(packet, ProtocolUdp);
                    var udp = reply.AsSpan(Ipv6HeaderLength);
                    SwapPorts(udp);
                    var checksum = InternetChecksum.Ipv6(reply.AsSpan(8, 16), reply.AsSpan(24, 16), ProtocolUdp, udp);
                    BinaryPrimitives.WriteUInt16BigEndian(udp[6..], checksum == 0 ? (ushort)0xFFFF : checksum);
                    return new IpReply(reply, IpOutcome.Udp6Echo);
                }
            default:
                return Ignored(IpOutcome.UnhandledProtocol);
        }
    }

    public IpReply HandleIpv4(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 20 || packet[0] >> 4 != 4) return Ignored(IpOutcome.Malformed);
        var headerLength = (packet[0] & 0x0F) * 4;
        var totalLength = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if (headerLength < 20 || totalLength < headerLength || totalLength > packet.Length) return Ignored(IpOutcome.Malformed);
        packet = packet[..totalLength];
        if (InternetChecksum.Compute(packet[..headerLength]) != 0) return Ignored(IpOutcome.BadChecksum);
        if (_ipv4 is null) return Ignored(IpOutcome.NoIpv4Address);
        var source = packet[12..16];
        var destination = packet[16..20];
        if (!destination.SequenceEqual(_ipv4)) return Ignored(IpOutcome.NotForMe);
        // More-fragments flag or a fragment offset: this host does not reassemble.
        if ((BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x3FFF) != 0) return Ignored(IpOutcome.Fragment);
        var protocol = packet[9];
        var message = packet[headerLength..];

        switch (protocol)
        {
            case ProtocolIcmp:
                if (message.Length < 8) return Ignored(IpOutcome.Malformed);
                if (InternetChecksum.Compute(message) != 0) return Ignored(IpOutcome.BadChecksum);
                if (message[0] != IcmpEchoRequest || message[1] != 0) return Ignored(IpOutcome.UnhandledIcmp);
                {
                    var reply = Ipv4Reply(source, ProtocolIcmp, message);
                    var icmp = reply.AsSpan(20);
                    icmp[0] = IcmpEchoReply;
                    icmp[2] = 0;
                    icmp[3] = 0;
                    BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], InternetChecksum.Compute(icmp));
                    return new IpReply(reply, IpOutcome.IcmpEcho);
                }
            case ProtocolUdp:
                if (!IsUdp(message)) return Ignored(IpOutcome.Malformed);
                message = message[..BinaryPrimitives.ReadUInt16BigEndian(message[4..])];
                // Over IPv4 a zero checksum means "not computed" (RFC 768).
                if (BinaryPrimitives.ReadUInt16BigEndian(message[6..]) != 0 && InternetChecksum.Ipv4(source, destination, ProtocolUdp, message) != 0)
                    return Ignored(IpOutcome.BadChecksum);
                if (BinaryPrimitives.ReadUInt16BigEndian(message[2..]) != EchoPort) return Ignored(IpOutcome.ClosedPort);
                {
                    var reply = Ipv4Reply(source, ProtocolUdp, message);
                    var udp = reply.AsSpan(20);
                    SwapPorts(udp);
                    var checksum = InternetChecksum.Ipv4(reply.AsSpan(12, 4), reply.AsSpan(16, 4), ProtocolUdp, udp);
                    BinaryPrimitives.WriteUInt16BigEndian(udp[6..], checksum == 0 ? (ushort)0xFFFF : checksum);
                    return new IpReply(reply, IpOutcome.Udp4Echo);
                }
            default:
                return Ignored(IpOutcome.UnhandledProtocol);
        }
    }

    private static IpReply Ignored(string outcome) => new(null, outcome);

    // A UDP header whose length field covers itself and fits in the message.
    private static bool IsUdp(ReadOnlySpan<byte> message)
    {
        if (message.Length < 8) return false;
        var length = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        return length >= 8 && length <= message.Length;
    }

    // The request with addresses swapped (the reply comes from the address that was asked), hop limit reset and
    // the upper-layer checksum zeroed; the caller fixes the upper layer.
    private static byte[] Ipv6Reply(ReadOnlySpan<byte> request, byte nextHeader)
    {
        var reply = request.ToArray();
        reply[0] = 0x60;
        reply[1] = 0;
        reply[2] = 0;
        reply[3] = 0;
        reply[6] = nextHeader;
        reply[7] = HopLimit;
        request[24..40].CopyTo(reply.AsSpan(8));
        request[8..24].CopyTo(reply.AsSpan(24));
        var checksumOffset = Ipv6HeaderLength + (nextHeader == ProtocolUdp ? 6 : 2);
        reply[checksumOffset] = 0;
        reply[checksumOffset + 1] = 0;
        return reply;
    }

    // A fresh 20-byte header (request options are not echoed) from this host to the request's source.
    private byte[] Ipv4Reply(ReadOnlySpan<byte> requestSource, byte protocol, ReadOnlySpan<byte> message)
    {
        var reply = new byte[20 + message.Length];
        reply[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(2), (ushort)reply.Length);
        BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(4), ++_ipv4Identification);
        reply[8] = HopLimit;
        reply[9] = protocol;
        _ipv4!.CopyTo(reply.AsSpan(12));
        requestSource.CopyTo(reply.AsSpan(16));
        BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(10), InternetChecksum.Compute(reply.AsSpan(0, 20)));
        message.CopyTo(reply.AsSpan(20));
        var checksumOffset = 20 + (protocol == ProtocolUdp ? 6 : 2);
        reply[checksumOffset] = 0;
        reply[checksumOffset + 1] = 0;
        return reply;
    }

    private static void SwapPorts(Span<byte> udp)
    {
        Span<byte> sourcePort = stackalloc byte[2];
        udp[..2].CopyTo(sourcePort);
        udp[2..4].CopyTo(udp);
        sourcePort.CopyTo(udp[2..]);
    }

    private static byte[] Bytes(IPAddress address, AddressFamily family, string name) =>
        address.AddressFamily == family
            ? address.GetAddressBytes()
            : throw new ArgumentException($"{address} is not an {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address", name);
}
