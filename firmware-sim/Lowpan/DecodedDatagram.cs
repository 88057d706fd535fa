namespace FirmwareSim.Lowpan;

/// <summary>
/// A datagram from the host, taken apart by <see cref="DownstreamDecoder"/>: the source route's hops (full addresses,
/// first hop first), the RPI and IPinIP-6LoRH if present, and the (inner) packet rebuilt as IPv6.
/// </summary>
public sealed record DecodedDatagram(
    IReadOnlyList<byte[]> Hops,
    RplPacketInformation? Rpi,
    byte[]? Encapsulator,
    byte[] Packet)
{
    /// <summary>The IPv6 destination of <see cref="Packet"/> (16 bytes).</summary>
    public ReadOnlySpan<byte> Destination => Packet.AsSpan(24, 16);

    public ReadOnlySpan<byte> Source => Packet.AsSpan(8, 16);
}
