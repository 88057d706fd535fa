using System.Net;
using Agent.Connectors.Serial.OpenWsn;
using Agent.Core.Addressing;
using Agent.Core.Drops;
using Agent.Core.Packets;

namespace Agent.Connectors.Serial.Payloads;

/// <summary>
/// Which session packets enter an OpenWSN mesh: IPv6 unicast to a mote whose DAO gave a route. TUN agents share the
/// session /64 with the motes (bbbb::N), and hub routing sends the serial agent their traffic too: that stays out quietly.
/// </summary>
public sealed class MeshDownlinkFilter(Ipv6Prefix prefix, Topology topology, Func<Eui64?> root)
{
    public Drop? Check(ReadOnlySpan<byte> frame)
    {
        if (!IpPacket.IsWellFormed(frame, out var malformed)) return new Drop(DropReason.NotIpPacket, malformed);
        if (frame[0] >> 4 != 6) return new Drop(DropReason.OpenWsnNotForMesh, "IPv4 does not enter an OpenWSN mesh", Quiet: true);
        var destination = new IPAddress(frame.Slice(24, 16));
        if (destination.IsIPv6Multicast) return new Drop(DropReason.OpenWsnNotForMesh, $"multicast {destination}", Quiet: true);
        if (IsMote(destination)) return null;
        return LooksLikeSessionHost(destination)
            ? new Drop(DropReason.OpenWsnNotForMesh, $"{IpPacket.Describe(frame)}: not a mote of this mesh", Quiet: true)
            : new Drop(DropReason.OpenWsnUnknownMote, $"{IpPacket.Describe(frame)}: no DAO from that mote yet");
    }

    /// <summary>A mote of the mesh other than the root, known from its DAO.</summary>
    public bool IsMote(IPAddress address)
    {
        if (!prefix.Contains(address) && !address.IsIPv6LinkLocal) return false;
        var mote = Eui64.FromInterfaceId(address);
        return topology.Motes.Contains(mote) && mote != root();
    }

    /// <summary>Host ids of the addressing plan (bbbb::1 .. bbbb::ffff) are not EUI-64s of motes.</summary>
    private bool LooksLikeSessionHost(IPAddress address) =>
        prefix.Contains(address) && Eui64.FromInterfaceId(address).Value <= 0xFFFF;
}
