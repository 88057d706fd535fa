using System.Buffers.Binary;

namespace FirmwareSim.Lowpan;

/// <summary>
/// Takes apart a (reassembled) datagram the host sends into the mesh, as the motes on the way do
/// (OPENWSN.md D.4.3, FW forwarding.c and iphc.c): an optional page-1 dispatch, then any of RH3-6LoRH (at most 3),
/// RPI-6LoRH, IPinIP-6LoRH and Deadline-6LoRH, then IPHC with its L4 header inline. IPHC subset: any TF, NH inline,
/// any HLIM, CID=0, M=0, SAC/DAC 0 (fe80::/64 with SAM/DAM 01, 16 bytes with 00) or 1 (the network prefix with 01).
/// The 16-bit and link-derived forms (10, 11) are refused: OpenVisualizer never sends them (D.2.3, D.4.3).
/// Each RH3 hop is rebuilt by overwriting the tail of a reference address with its suffix; the first reference is
/// the inner source, or the DODAGID when IPinIP is present; then the previous hop (FW forwarding.c).
/// </summary>
public static class DownstreamDecoder
{
    public const int MaxRh3Headers = 3; // FW MAXNUM_RH3

    private static readonly int[] HopSuffixLengths = [1, 2, 4, 8, 16]; // RH3-6LoRH types 0..4
    private static ReadOnlySpan<byte> LinkLocalPrefix => [0xFE, 0x80, 0, 0, 0, 0, 0, 0];

    /// <param name="prefix">The network prefix (8 bytes): SAC/DAC=1, and the elided IPinIP encapsulator prefix::1.</param>
    /// <param name="dodagId">prefix + the DAG root's EUI-64: the first RH3 reference under IPinIP.</param>
    /// <param name="error">Why the datagram cannot be taken, as a mote would log it (ERR_6LOWPAN_UNSUPPORTED).</param>
    public static bool TryDecode(ReadOnlySpan<byte> datagram, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> dodagId,
        out DecodedDatagram? decoded, out string? error)
    {
        decoded = null;
        var hopSuffixes = new List<(int Type, byte[] Suffix)>();
        RplPacketInformation? rpi = null;
        byte[]? encapsulator = null;
        var rh3Headers = 0;
        var i = 0;

        if (datagram.Length > 0 && datagram[0] == LowpanDispatch.Page1)
        {
            i = 1;
            while (i < datagram.Length && !LowpanDispatch.IsIphc(datagram[i]))
            {
                if (i + 1 >= datagram.Length) return Fail(out error, $"6LoRH cut short at byte {i}");
                var first = datagram[i];
                var type = datagram[i + 1];
                if (LowpanDispatch.IsCritical6LoRH(first) && type < HopSuffixLengths.Length)
                {
                    if (++rh3Headers > MaxRh3Headers) return Fail(out error, $"more than {MaxRh3Headers} RH3-6LoRH headers");
                    var hops = (first & 0x1F) + 1;
                    var suffixLength = HopSuffixLengths[type];
                    if (i + 2 + hops * suffixLength > datagram.Length) return Fail(out error, $"RH3-6LoRH cut short at byte {i}");
                    for (var h = 0; h < hops; h++) hopSuffixes.Add((type, datagram.Slice(i + 2 + h * suffixLength, suffixLength).ToArray()));
                    i += 2 + hops * suffixLength;
                }
                else if (LowpanDispatch.IsCritical6LoRH(first) && type == LowpanDispatch.TypeRpi)
                {
                    if (!RplPacketInformation.TryParse(datagram[i..], out var parsed, out var length)) return Fail(out error, $"RPI-6LoRH cut short at byte {i}");
                    rpi = parsed;
                    i += length;
                }
                else if (LowpanDispatch.IsElective6LoRH(first) && type == LowpanDispatch.TypeIpInIp)
                {
                    var length = first & 0x1F; // hop limit + encapsulator
                    if (i + 2 + length > datagram.Length) return Fail(out error, $"IPinIP-6LoRH cut short at byte {i}");
                    encapsulator = length switch
                    {
                        1 => [.. prefix, 0, 0, 0, 0, 0, 0, 0, 1], // the root, prefix::1 (FW dagroot_mac64b)
                        9 => [.. prefix, .. datagram.Slice(i + 3, 8)],
                        17 => datagram.Slice(i + 3, 16).ToArray(),
                        _ => null,
                    };
                    if (encapsulator is null) return Fail(out error, $"IPinIP-6LoRH of length {length} at byte {i}");
                    i += 2 + length;
                }
                else if (LowpanDispatch.IsElective6LoRH(first) && type == LowpanDispatch.TypeDeadline)
                {
                    i += 2 + (first & 0x1F); // a deadline is not enforced here
                }
                else
                {
                    return Fail(out error, $"6LoRH 0x{first:x2} of type {type} at byte {i}");
                }
            }
        }

        if (!TryDecodeIphc(datagram, ref i, prefix, out var packet, out error)) return false;

        // Rebuild the hops now that the reference (the inner source) is known.
        var reference = (encapsulator is null ? packet.AsSpan(8, 16) : dodagId).ToArray();
        var hopsOut = new List<byte[]>(hopSuffixes.Count);
        foreach (var (_, suffix) in hopSuffixes)
        {
            var hop = reference.ToArray();
            suffix.CopyTo(hop, 16 - suffix.Length);
            hopsOut.Add(hop);
            reference = hop;
        }
        decoded = new DecodedDatagram(hopsOut, rpi, encapsulator, packet);
        return true;
    }

    private static bool TryDecodeIphc(ReadOnlySpan<byte> datagram, ref int i, ReadOnlySpan<byte> prefix, out byte[] packet, out string? error)
    {
        packet = [];
        if (i + 2 > datagram.Length || !LowpanDispatch.IsIphc(datagram[i]))
            return Fail(out error, i < datagram.Length ? $"no IPHC at byte {i} (0x{datagram[i]:x2})" : "no IPHC");
        var b0 = datagram[i];
        var b1 = datagram[i + 1];
        var at = i;
        i += 2;
        var tf = (b0 >> 3) & 3;
        var nextHeaderCompressed = (b0 & 0x04) != 0;
        var hlim = b0 & 3;
        if ((b1 & 0x80) != 0) return Fail(out error, $"IPHC CID=1 at byte {at} (no contexts exist)");
        var sac = (b1 & 0x40) != 0;
        var sam = (b1 >> 4) & 3;
        var multicast = (b1 & 0x08) != 0;
        var dac = (b1 & 0x04) != 0;
        var dam = b1 & 3;
        if (multicast) return Fail(out error, $"IPHC M=1 at byte {at}");
        if (nextHeaderCompressed) return Fail(out error, $"IPHC NH=1 (NHC) at byte {at}: OpenWSN carries L4 headers inline");

        // Traffic class and flow label, rebuilt into the IPv6 header's first 4 bytes (RFC 6282 3.1.1).
        var tfLength = tf switch { 0 => 4, 1 => 3, 2 => 1, _ => 0 };
        if (i + tfLength > datagram.Length) return Fail(out error, "IPHC traffic class cut short");
        var tfBytes = datagram.Slice(i, tfLength);
        i += tfLength;
        uint trafficClass = 0, flowLabel = 0;
        switch (tf)
        {
            case 0:
                trafficClass = (uint)(((tfBytes[0] >> 6) & 0x03) | ((tfBytes[0] & 0x3F) << 2));
                flowLabel = (uint)(((tfBytes[1] & 0x0F) << 16) | (tfBytes[2] << 8) | tfBytes[3]);
                break;
            case 1:
                trafficClass = (uint)((tfBytes[0] >> 6) & 0x03);
                flowLabel = (uint)(((tfBytes[0] & 0x0F) << 16) | (tfBytes[1] << 8) | tfBytes[2]);
                break;
            case 2:
                trafficClass = (uint)(((tfBytes[0] >> 6) & 0x03) | ((tfBytes[0] & 0x3F) << 2));
                break;
        }

        if (i >= datagram.Length) return Fail(out error, "IPHC next header missing");
        var nextHeader = datagram[i++];
        byte hopLimit;
        if (hlim == 0)
        {
            if (i >= datagram.Length) return Fail(out error, "IPHC hop limit missing");
            hopLimit = datagram[i++];
        }
        else
        {
            hopLimit = hlim switch { 1 => 1, 2 => 64, _ => 255 };
        }

        var source = new byte[16];
        var destination = new byte[16];
        if (!TryAddress(datagram, ref i, sac, sam, prefix, source, "source", out error)) return false;
        if (!TryAddress(datagram, ref i, dac, dam, prefix, destination, "destination", out error)) return false;

        var l4 = datagram[i..];
        packet = new byte[40 + l4.Length];
        BinaryPrimitives.WriteUInt32BigEndian(packet, (6u << 28) | (trafficClass << 20) | flowLabel);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)l4.Length);
        packet[6] = nextHeader;
        packet[7] = hopLimit;
        source.CopyTo(packet, 8);
        destination.CopyTo(packet, 24);
        l4.CopyTo(packet.AsSpan(40));
        i = datagram.Length;
        error = null;
        return true;
    }

    private static bool TryAddress(ReadOnlySpan<byte> datagram, ref int i, bool context, int mode, ReadOnlySpan<byte> prefix,
        Span<byte> address, string which, out string? error)
    {
        error = null;
        switch (context, mode)
        {
            case (false, 0):
                if (i + 16 > datagram.Length) return Fail(out error, $"IPHC {which} address cut short");
                datagram.Slice(i, 16).CopyTo(address);
                i += 16;
                return true;
            case (_, 1):
                if (i + 8 > datagram.Length) return Fail(out error, $"IPHC {which} address cut short");
                (context ? prefix : LinkLocalPrefix).CopyTo(address);
                datagram.Slice(i, 8).CopyTo(address[8..]);
                i += 8;
                return true;
            case (true, 0):
                return Fail(out error, $"IPHC {which} with context and mode 00 (reserved or unspecified)");
            default:
                return Fail(out error, $"IPHC {which} mode {(mode == 2 ? "10 (16 bits)" : "11 (from the link)")}: never sent by OpenVisualizer");
        }
    }

    private static bool Fail(out string? error, string why)
    {
        error = why;
        return false;
    }
}
