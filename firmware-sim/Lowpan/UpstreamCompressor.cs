using System.Buffers.Binary;

namespace FirmwareSim.Lowpan;

/// <summary>
/// Turns an IPv6 packet that a mote originates into the 6LoWPAN datagram the OpenWSN firmware builds
/// (OPENWSN.md D.2.4), and only in its forms: <c>F1 | RPI-6LoRH | [IPinIP-6LoRH] | IPHC | L4 inline</c>, with
/// TF=11 and NH inline always. Destination in the mote's /64: SAC=DAC=1 with 8-byte IIDs (<c>7A 55</c>).
/// Link-local destination: SAC=DAC=0 with 8-byte IIDs (<c>7A 11</c>). Anywhere else: an IPinIP-6LoRH carrying the
/// mote's full address, then the inner header with both addresses in full (<c>7A 00</c>).
/// </summary>
public static class UpstreamCompressor
{
    private const int Ipv6HeaderLength = 40;
    private const byte TfElided = 0x18;
    private const byte SacPrefix = 0x40;
    private const byte SamIid = 0x10;
    private const byte DacPrefix = 0x04;
    private const byte DamIid = 0x01;
    private static ReadOnlySpan<byte> LinkLocalPrefix => [0xFE, 0x80, 0, 0, 0, 0, 0, 0];

    /// <param name="packet">A whole IPv6 packet without extension headers.</param>
    /// <param name="prefix">The mote's /64 (8 bytes), learnt from the DAG root's DIOs.</param>
    /// <param name="rank">The mote's DAG rank, for the RPI-6LoRH.</param>
    public static byte[] Compress(ReadOnlySpan<byte> packet, ReadOnlySpan<byte> prefix, ushort rank)
    {
        if (packet.Length < Ipv6HeaderLength || packet[0] >> 4 != 6) throw new ArgumentException("Not an IPv6 packet.", nameof(packet));
        var payloadLength = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        if (Ipv6HeaderLength + payloadLength > packet.Length) throw new ArgumentException("The packet is shorter than its payload length.", nameof(packet));
        var nextHeader = packet[6];
        var hopLimit = packet[7];
        var source = packet[8..24];
        var destination = packet[24..40];
        var l4 = packet.Slice(Ipv6HeaderLength, payloadLength);

        var datagram = new List<byte>(3 + 19 + 16 + 2 * 16 + l4.Length) { LowpanDispatch.Page1 };
        datagram.AddRange(RplPacketInformation.Upward(rank).Encode());
        if (destination[..8].SequenceEqual(prefix))
        {
            Iphc(datagram, SacPrefix | SamIid | DacPrefix | DamIid, nextHeader, hopLimit);
            datagram.AddRange(source[8..]);
            datagram.AddRange(destination[8..]);
        }
        else if (destination[..8].SequenceEqual(LinkLocalPrefix))
        {
            Iphc(datagram, SamIid | DamIid, nextHeader, hopLimit);
            datagram.AddRange(source[8..]);
            datagram.AddRange(destination[8..]);
        }
        else
        {
            // IPinIP-6LoRH, length 17: hop limit and the encapsulator (the mote itself) in full.
            datagram.AddRange([LowpanDispatch.Elective6LoRH | 17, LowpanDispatch.TypeIpInIp, hopLimit]);
            datagram.AddRange(source);
            Iphc(datagram, 0, nextHeader, hopLimit);
            datagram.AddRange(source);
            datagram.AddRange(destination);
        }
        datagram.AddRange(l4);
        return [.. datagram];
    }

    // The two base bytes, the inline next header, and the hop limit when no HLIM code stands for it.
    private static void Iphc(List<byte> datagram, int addressing, byte nextHeader, byte hopLimit)
    {
        var hlim = hopLimit switch { 1 => 1, 64 => 2, 255 => 3, _ => 0 };
        datagram.Add((byte)(LowpanDispatch.Iphc | TfElided | hlim));
        datagram.Add((byte)addressing);
        datagram.Add(nextHeader);
        if (hlim == 0) datagram.Add(hopLimit);
    }
}
