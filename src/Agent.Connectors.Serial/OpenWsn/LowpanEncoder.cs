using System.Buffers.Binary;
using Agent.Core.Addressing;
using Agent.Core.Packets;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>
/// Compresses an IPv6 packet from the host into the 6LoWPAN datagram the DAG root forwards into the mesh, byte for
/// byte as openvisualizer's <c>ipv6_to_lowpan</c> + <c>reassemble_lowpan</c> do (OPENWSN.md D.4.1 - D.4.3):
/// <c>F1 | RH3-6LoRH(s) | [RPI-6LoRH IPinIP-6LoRH] | IPHC | L4 unchanged</c>. Pure and stateless; never throws on
/// packet content, a packet it cannot send comes back with a <see cref="HostToMeshDropReasons"/> reason.
/// </summary>
public sealed class LowpanEncoder(Ipv6Prefix networkPrefix)
{
    private const int Ipv6HeaderLength = 40;
    private const byte PageOneDispatch = 0xF1;
    private const byte IcmpV6 = 58;
    private const byte IcmpV6DestinationUnreachable = 1;
    private const ulong LinkLocalPrefix = 0xFE80_0000_0000_0000UL;

    // RFC 8138 RPI-6LoRH: critical, flags O|I|K (down, instance 0 elided, 1-byte rank), type 5, rank 0 of the root.
    private static ReadOnlySpan<byte> RpiOfRoot => [0x93, 0x05, 0x00];

    // IPinIP-6LoRH: elective, length 1 (encapsulator elided = prefix::1), type 6; the hop limit byte follows.
    private static ReadOnlySpan<byte> IpInIpOfRoot => [0xA1, 0x06];

    public Ipv6Prefix NetworkPrefix { get; } = networkPrefix;

    /// <summary>
    /// Encodes with a known <paramref name="route"/> to the destination, as <c>Topology</c> gives it:
    /// <c>[destination, parent, ..., root]</c>; null or fewer than 2 entries means none. Unused for link-local destinations.
    /// </summary>
    public LowpanEncoderResult Encode(ReadOnlySpan<byte> packet, IReadOnlyList<Eui64>? route) => Encode(packet, _ => route);

    /// <summary>
    /// Encodes, asking <paramref name="sourceRoute"/> for the route to the destination's interface id
    /// (<c>[destination, parent, ..., root]</c>, or null) unless the destination is link-local.
    /// </summary>
    public LowpanEncoderResult Encode(ReadOnlySpan<byte> packet, Func<Eui64, IReadOnlyList<Eui64>?> sourceRoute)
    {
        if (!IpPacket.IsWellFormed(packet, out var malformed))
            return LowpanEncoderResult.Refuse(DropReason.OpenWsnNotIpv6, malformed);
        if (packet[0] >> 4 != 6)
            return LowpanEncoderResult.Refuse(DropReason.OpenWsnNotIpv6, "an IPv4 packet cannot go into an OpenWSN mesh");

        var trafficClass = (packet[0] & 0x0F) << 4 | packet[1] >> 4;
        var nextHeader = packet[6];
        var hopLimit = packet[7];
        var sourcePrefix = BinaryPrimitives.ReadUInt64BigEndian(packet[8..]);
        var sourceIid = BinaryPrimitives.ReadUInt64BigEndian(packet[16..]);
        var destinationPrefix = BinaryPrimitives.ReadUInt64BigEndian(packet[24..]);
        var destination = new Eui64(BinaryPrimitives.ReadUInt64BigEndian(packet[32..]));
        var payload = packet[Ipv6HeaderLength..];

        if (packet[24] == 0xFF)
            return LowpanEncoderResult.Refuse(DropReason.OpenWsnMulticast, "multicast destinations are not sent into the mesh");
        if (trafficClass != 0)
            return LowpanEncoderResult.Refuse(DropReason.OpenWsnTrafficClass, $"traffic class {trafficClass} cannot be elided by IPHC");
        if (nextHeader == IcmpV6 && !payload.IsEmpty && payload[0] == IcmpV6DestinationUnreachable)
            return LowpanEncoderResult.Refuse(DropReason.OpenWsnDestinationUnreachable, "ICMPv6 destination unreachable is not sent to motes");

        // Hops listed in RH3, from the root's child down to the destination's parent (D.4.2, D.4.3).
        Eui64[] hops;
        Eui64 nextHop;
        if (destinationPrefix == LinkLocalPrefix)
        {
            // A link-local destination is a neighbour of the root: route [destination], no RH3 (D.4.2).
            hops = [];
            nextHop = destination;
        }
        else
        {
            var route = sourceRoute(destination);
            if (route is null || route.Count < 2)
                return LowpanEncoderResult.Refuse(DropReason.OpenWsnNoSourceRoute, $"no source route to {destination}");
            // The last entry is the root itself; the one before it, the root's child, is the L2 next hop (D.4.2).
            nextHop = route[^2];
            hops = new Eui64[route.Count - 2];
            for (var i = 0; i < hops.Length; i++) hops[i] = route[route.Count - 2 - i];
        }

        var crossesPrefix = sourcePrefix != destinationPrefix;
        var datagram = new byte[1 + Rh3Encoder.MaxLength(hops.Length) + 5 + 3 + 2 * 16 + payload.Length];
        var n = 0;
        // Page-1 dispatch always, even with no 6LoRH after it (D.4.3).
        datagram[n++] = PageOneDispatch;

        // OV compresses the first hop against the source if it is in the prefix, else against prefix::1 (D.4.3).
        var reference = sourcePrefix == NetworkPrefix.Value ? sourceIid : 1UL;
        n += Rh3Encoder.Write(reference, hops, datagram.AsSpan(n));

        if (crossesPrefix)
        {
            // Only when the /64s differ (off-prefix or link-local source): RPI + IPinIP carrying the hop limit (D.4.3).
            RpiOfRoot.CopyTo(datagram.AsSpan(n));
            n += RpiOfRoot.Length;
            IpInIpOfRoot.CopyTo(datagram.AsSpan(n));
            n += IpInIpOfRoot.Length;
            datagram[n++] = hopLimit;
        }

        // IPHC: 011, TF=11 (flow label silently dropped, D.4.1), NH=0 (L4 inline), HLIM; then CID=0, SAC SAM M=0 DAC DAM.
        var (sourceContext, sourceMode) = AddressMode(sourcePrefix);
        var (destinationContext, destinationMode) = AddressMode(destinationPrefix);
        var hopLimitMode = hopLimit switch { 1 => 1, 64 => 2, 255 => 3, _ => 0 };
        datagram[n++] = (byte)(0x78 | hopLimitMode);
        datagram[n++] = (byte)(sourceContext << 6 | sourceMode << 4 | destinationContext << 2 | destinationMode);
        datagram[n++] = nextHeader;
        if (hopLimitMode == 0) datagram[n++] = hopLimit;
        n += WriteAddress(packet.Slice(8, 16), sourceMode, datagram.AsSpan(n));
        n += WriteAddress(packet.Slice(24, 16), destinationMode, datagram.AsSpan(n));

        // L4 header and payload unchanged: the host's checksums stay valid (D.4.3).
        payload.CopyTo(datagram.AsSpan(n));
        n += payload.Length;
        return LowpanEncoderResult.Success(datagram[..n], nextHop);
    }

    /// <summary>
    /// SAC/DAC and SAM/DAM: fe80::/64 stateless with the 8-byte IID, the network prefix as (implicit) context 0 with the
    /// 8-byte IID, anything else stateless with all 16 bytes; never 16-bit or elided forms (D.4.3).
    /// </summary>
    private (int Context, int Mode) AddressMode(ulong prefix) =>
        prefix == LinkLocalPrefix ? (0, 1) : prefix == NetworkPrefix.Value ? (1, 1) : (0, 0);

    private static int WriteAddress(ReadOnlySpan<byte> address, int mode, Span<byte> destination)
    {
        var inline = mode == 1 ? address[8..] : address;
        inline.CopyTo(destination);
        return inline.Length;
    }
}
