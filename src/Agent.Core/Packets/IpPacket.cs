using System.Buffers.Binary;
using System.Net;

namespace Agent.Core.Packets;

/// <summary>Checks and one-line descriptions of whole IP packets, without copying them.</summary>
public static class IpPacket
{
    /// <summary>
    /// True when <paramref name="packet"/> is one well-formed IP packet: version nibble 4 or 6, header complete,
    /// and the length field matching the number of bytes.
    /// </summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> packet, out string reason)
    {
        reason = "";
        if (packet.Length == 0) { reason = "empty packet"; return false; }
        switch (packet[0] >> 4)
        {
            case 6:
                if (packet.Length < 40) { reason = $"IPv6 packet of {packet.Length} bytes is shorter than its header"; return false; }
                var payloadLength = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
                if (payloadLength + 40 != packet.Length)
                {
                    reason = $"IPv6 payload length {payloadLength} does not match the {packet.Length - 40} bytes after the header";
                    return false;
                }
                return true;
            case 4:
                if (packet.Length < 20) { reason = $"IPv4 packet of {packet.Length} bytes is shorter than its header"; return false; }
                var headerLength = (packet[0] & 0x0f) * 4;
                var totalLength = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
                if (headerLength < 20 || headerLength > packet.Length) { reason = $"IPv4 header length {headerLength} is invalid"; return false; }
                if (totalLength != packet.Length)
                {
                    reason = $"IPv4 total length {totalLength} does not match the {packet.Length} bytes received";
                    return false;
                }
                return true;
            default:
                reason = $"version nibble {packet[0] >> 4} is neither 4 nor 6";
                return false;
        }
    }

    /// <summary>One line: <c>bbbb::1 -> bbbb::2 ICMPv6 echo-request id 7 seq 1</c>.</summary>
    public static string Describe(ReadOnlySpan<byte> packet)
    {
        if (!IsWellFormed(packet, out var reason)) return $"not an IP packet ({reason})";
        if (packet[0] >> 4 == 6)
        {
            var source = new IPAddress(packet.Slice(8, 16));
            var destination = new IPAddress(packet.Slice(24, 16));
            var next = packet[6];
            var offset = 40;
            // Walk hop-by-hop, routing and destination options headers (MLD reports carry a hop-by-hop header).
            while (next is 0 or 43 or 60 && offset + 8 <= packet.Length)
            {
                next = packet[offset];
                offset += (packet[offset + 1] + 1) * 8;
            }
            return $"{source} -> {destination} {Transport(next, packet[Math.Min(offset, packet.Length)..], icmpV6: true)}";
        }
        else
        {
            var source = new IPAddress(packet.Slice(12, 4));
            var destination = new IPAddress(packet.Slice(16, 4));
            var headerLength = (packet[0] & 0x0f) * 4;
            return $"{source} -> {destination} {Transport(packet[9], packet[headerLength..], icmpV6: false)}";
        }
    }

    private static string Transport(byte protocol, ReadOnlySpan<byte> payload, bool icmpV6)
    {
        switch (protocol)
        {
            case 58 when icmpV6 && payload.Length >= 4:
                return "ICMPv6 " + Icmpv6Type(payload);
            case 1 when !icmpV6 && payload.Length >= 4:
                return "ICMP " + Icmpv4Type(payload);
            case 17 when payload.Length >= 8:
                return $"UDP {BinaryPrimitives.ReadUInt16BigEndian(payload)} -> {BinaryPrimitives.ReadUInt16BigEndian(payload[2..])}, {payload.Length - 8} bytes";
            case 6 when payload.Length >= 20:
                return $"TCP {BinaryPrimitives.ReadUInt16BigEndian(payload)} -> {BinaryPrimitives.ReadUInt16BigEndian(payload[2..])}";
            default:
                return $"protocol {protocol}, {payload.Length} bytes";
        }
    }

    private static string Icmpv6Type(ReadOnlySpan<byte> icmp) => icmp[0] switch
    {
        128 => $"echo-request {Echo(icmp)}",
        129 => $"echo-reply {Echo(icmp)}",
        1 => "destination-unreachable",
        2 => "packet-too-big",
        3 => "time-exceeded",
        130 => "mld-query",
        131 or 143 => "mld-report",
        133 => "router-solicitation",
        134 => "router-advertisement",
        135 => "neighbor-solicitation",
        136 => "neighbor-advertisement",
        155 => "rpl",
        var t => $"type {t}",
    };

    private static string Icmpv4Type(ReadOnlySpan<byte> icmp) => icmp[0] switch
    {
        8 => $"echo-request {Echo(icmp)}",
        0 => $"echo-reply {Echo(icmp)}",
        3 => "destination-unreachable",
        11 => "time-exceeded",
        var t => $"type {t}",
    };

    private static string Echo(ReadOnlySpan<byte> icmp) =>
        icmp.Length >= 8
            ? $"id {BinaryPrimitives.ReadUInt16BigEndian(icmp[4..])} seq {BinaryPrimitives.ReadUInt16BigEndian(icmp[6..])}"
            : "";
}
