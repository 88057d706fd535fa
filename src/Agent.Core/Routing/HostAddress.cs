using System.Buffers.Binary;
using System.Net;
using Agent.Core.Packets;

namespace Agent.Core.Routing;

/// <summary>
/// A host's address as a value, IPv6 (128 bits) or IPv4 (32 bits, apart from IPv6): what the router looks owners up
/// by, read from a packet's header without allocating.
/// </summary>
public readonly record struct HostAddress(UInt128 Bits, bool IsV4)
{
    /// <summary>The first 64 bits of an IPv6 address: its /64.</summary>
    public ulong Prefix64 => IsV4 ? 0 : (ulong)(Bits >> 64);

    /// <summary>The destination of a well-formed unicast packet; false for multicast, IPv4 broadcast, or no IP packet.</summary>
    public static bool TryReadDestination(ReadOnlySpan<byte> packet, out HostAddress destination)
    {
        destination = default;
        if (!IpPacket.IsWellFormed(packet, out _)) return false;
        if (packet[0] >> 4 == 6)
        {
            if (packet[24] == 0xFF) return false;
            destination = new HostAddress(BinaryPrimitives.ReadUInt128BigEndian(packet.Slice(24, 16)), IsV4: false);
            return true;
        }
        if (packet[16] >= 224 || packet[19] == 255) return false;
        destination = new HostAddress(BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(16, 4)), IsV4: true);
        return true;
    }

    public static HostAddress From(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return bytes.Length == 4
            ? new HostAddress(BinaryPrimitives.ReadUInt32BigEndian(bytes), IsV4: true)
            : new HostAddress(BinaryPrimitives.ReadUInt128BigEndian(bytes), IsV4: false);
    }

    public IPAddress ToIPAddress()
    {
        if (IsV4) return new IPAddress(BinaryPrimitives.ReverseEndianness((uint)Bits));
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, Bits);
        return new IPAddress(bytes);
    }

    public override string ToString() => ToIPAddress().ToString();
}
