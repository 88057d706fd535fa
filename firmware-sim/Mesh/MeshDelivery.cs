namespace FirmwareSim.Mesh;

/// <summary>Where a datagram from the host ended: at a mote, as an IPv6 packet, or dropped on the way (and why).</summary>
public readonly record struct MeshDelivery(MeshMote? Mote, byte[]? Packet, string? Drop)
{
    public static MeshDelivery Dropped(string why) => new(null, null, why);

    public bool Delivered => Mote is not null;
}
