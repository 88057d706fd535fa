using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using Agent.Core.Addressing;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>
/// Turns one whole 6LoWPAN datagram from the mesh into the IPv6 packet it stands for (OPENWSN.md D.2.2 - D.2.5):
/// optional page-1 dispatch with RPI-, IPinIP- and Deadline-6LoRHs, then RFC 6282 IPHC, then the L4 bytes.
/// Pure; never throws on bad input.
/// </summary>
public static class LowpanDecoder
{
    /// <summary>RFC 8138 page-1 dispatch, in front of the 6LoRHs (D.2.2).</summary>
    public const byte Page1Dispatch = 0xF1;

    public const int Ipv6HeaderLength = 40;
    private const int UdpHeaderLength = 8;
    private const byte Udp = 17;
    private const byte RpiType = 5;
    private const byte IpInIpType = 6;

    public static bool TryDecode(ReadOnlySpan<byte> lowpan, LowpanContext context, [NotNullWhen(true)] out byte[]? packet, out Drop error)
    {
        packet = null;
        var reader = new LowpanReader(lowpan);
        byte? tunnelHopLimit = null;
        if (reader.Peek() == Page1Dispatch)
        {
            reader.Skip(1);
            if (!TrySkip6LoRhs(ref reader, ref tunnelHopLimit, out error)) return false;
        }
        if (reader.Remaining == 0) return Fail(DropReason.OpenWsnBadLowpan, "no IPHC header", out error);
        if ((reader.Peek() & 0xE0) != 0x60)
            return Fail(DropReason.OpenWsnUnsupportedLowpan, $"dispatch 0x{reader.Peek():x2} at byte {reader.Position} is not IPHC", out error);
        return TryDecodeIphc(ref reader, context, tunnelHopLimit, out packet, out error);
    }

    /// <summary>RPI is skipped, IPinIP keeps only its hop limit, Deadline and unknown elective ones are skipped (D.2.2).</summary>
    private static bool TrySkip6LoRhs(ref LowpanReader reader, ref byte? tunnelHopLimit, out Drop error)
    {
        error = default;
        // 6LoRHs are 10xxxxxx; the IPHC that follows is 011xxxxx (RFC 8138 3).
        while (reader.Remaining > 0 && (reader.Peek() & 0xC0) == 0x80)
        {
            var at = reader.Position;
            if (!reader.TryRead(2, out var head)) return Fail(DropReason.OpenWsnBadLowpan, $"6LoRH at byte {at} cut short", out error);
            var type = head[1];
            if ((head[0] & 0xE0) == 0x80)
            {
                // Critical: must be understood. Upstream only RPI occurs; RH3 (types 0-4) goes downstream only.
                if (type != RpiType)
                    return Fail(DropReason.OpenWsnUnsupportedLowpan, $"critical 6LoRH type {type} at byte {at}", out error);
                // 100 O R F I K: I=1 elides the instance, K=1 sends only the rank's high byte (D.2.2).
                var length = ((head[0] & 0x02) != 0 ? 0 : 1) + ((head[0] & 0x01) != 0 ? 1 : 2);
                if (!reader.TryRead(length, out _)) return Fail(DropReason.OpenWsnBadLowpan, $"RPI-6LoRH at byte {at} cut short", out error);
                continue;
            }

            // Elective 101 LLLLL: L bytes follow the type byte, so even unknown ones (Deadline, type 7) can be skipped.
            var valueLength = head[0] & 0x1F;
            if (!reader.TryRead(valueLength, out var value)) return Fail(DropReason.OpenWsnBadLowpan, $"6LoRH type {type} at byte {at} cut short", out error);
            if (type != IpInIpType) continue;
            if (valueLength == 0) return Fail(DropReason.OpenWsnBadLowpan, $"IPinIP-6LoRH at byte {at} without hop limit", out error);
            // The encapsulator (len 1 elided prefix::1, 9, 17) is dropped with the outer header: the inner
            // header goes to the host, with the tunnel's hop limit (D.2.5).
            tunnelHopLimit = value[0];
        }
        return true;
    }

    private static bool TryDecodeIphc(ref LowpanReader reader, LowpanContext context, byte? tunnelHopLimit, [NotNullWhen(true)] out byte[]? packet, out Drop error)
    {
        packet = null;
        var at = reader.Position;
        if (!reader.TryRead(2, out var iphc)) return Fail(DropReason.OpenWsnBadLowpan, $"IPHC at byte {at} cut short", out error);
        // 011 TF NH HLIM | CID SAC SAM M DAC DAM (RFC 6282 3.1).
        var tf = (iphc[0] >> 3) & 3;
        var compressedNextHeader = (iphc[0] & 0x04) != 0;
        var hlim = iphc[0] & 3;
        var sac = (iphc[1] & 0x40) != 0;
        var sam = (iphc[1] >> 4) & 3;
        var dac = (iphc[1] & 0x04) != 0;
        var dam = iphc[1] & 3;
        // No contexts exist in OpenWSN besides the implicit network prefix (D.2.3).
        if ((iphc[1] & 0x80) != 0) return Fail(DropReason.OpenWsnUnsupportedLowpan, "IPHC CID=1", out error);
        // Multicast is never bridged (D.2.4).
        if ((iphc[1] & 0x08) != 0) return Fail(DropReason.OpenWsnUnsupportedLowpan, "IPHC M=1 (multicast destination)", out error);

        if (!TryReadTrafficFlow(ref reader, tf, out var trafficClass, out var flowLabel))
            return Fail(DropReason.OpenWsnBadLowpan, $"IPHC TF={tf} fields cut short", out error);

        byte nextHeader = 0;
        if (!compressedNextHeader && !reader.TryReadByte(out nextHeader))
            return Fail(DropReason.OpenWsnBadLowpan, "IPHC next header cut short", out error);

        byte hopLimit;
        switch (hlim)
        {
            case 0:
                if (!reader.TryReadByte(out hopLimit)) return Fail(DropReason.OpenWsnBadLowpan, "IPHC hop limit cut short", out error);
                break;
            case 1: hopLimit = 1; break;
            case 2: hopLimit = 64; break;
            default: hopLimit = 255; break;
        }
        // With IPinIP the inner header's fields win, except the hop limit (D.2.5).
        hopLimit = tunnelHopLimit ?? hopLimit;

        Span<byte> source = stackalloc byte[16];
        Span<byte> destination = stackalloc byte[16];
        if (!TryReadAddress(ref reader, "source", sac, sam, context.Prefix, context.PreviousHop, source, out error)) return false;
        if (!TryReadAddress(ref reader, "destination", dac, dam, context.Prefix, context.Root, destination, out error)) return false;

        // NHC only when NH=1: an inline UDP header whose port starts with 0xF0 is not NHC (D.5, OV's uinject bug).
        var udp = default(UdpHeader);
        if (compressedNextHeader)
        {
            if (!TryReadNhc(ref reader, out udp, out error)) return false;
            nextHeader = Udp;
        }

        var payload = reader.Rest;
        var l4Length = (compressedNextHeader ? UdpHeaderLength : 0) + payload.Length;
        packet = new byte[Ipv6HeaderLength + l4Length];
        BinaryPrimitives.WriteUInt32BigEndian(packet, (6u << 28) | ((uint)trafficClass << 20) | flowLabel);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)l4Length);
        packet[6] = nextHeader;
        packet[7] = hopLimit;
        source.CopyTo(packet.AsSpan(8));
        destination.CopyTo(packet.AsSpan(24));
        var l4 = packet.AsSpan(Ipv6HeaderLength);
        if (compressedNextHeader)
        {
            BinaryPrimitives.WriteUInt16BigEndian(l4, udp.SourcePort);
            BinaryPrimitives.WriteUInt16BigEndian(l4[2..], udp.DestinationPort);
            BinaryPrimitives.WriteUInt16BigEndian(l4[4..], (ushort)l4Length);
            payload.CopyTo(l4[UdpHeaderLength..]);
            var checksum = udp.Checksum ?? UdpChecksum(packet);
            BinaryPrimitives.WriteUInt16BigEndian(l4[6..], checksum);
        }
        else
        {
            // L4 headers pass unchanged; checksums are never verified (D.2.5).
            payload.CopyTo(l4);
        }
        error = default;
        return true;
    }

    /// <summary>RFC 6282 3.1.1: inline fields carry ECN before DSCP; the IPv6 traffic class is DSCP then ECN.</summary>
    private static bool TryReadTrafficFlow(ref LowpanReader reader, int tf, out byte trafficClass, out uint flowLabel)
    {
        trafficClass = 0;
        flowLabel = 0;
        ReadOnlySpan<byte> f;
        switch (tf)
        {
            case 0: // ECN DSCP | rsv(4) FL(20)
                if (!reader.TryRead(4, out f)) return false;
                trafficClass = EcnDscpToTrafficClass(f[0]);
                flowLabel = (uint)(((f[1] & 0x0F) << 16) | (f[2] << 8) | f[3]);
                return true;
            case 1: // ECN rsv(2) FL(20), DSCP elided
                if (!reader.TryRead(3, out f)) return false;
                trafficClass = (byte)(f[0] >> 6);
                flowLabel = (uint)(((f[0] & 0x0F) << 16) | (f[1] << 8) | f[2]);
                return true;
            case 2: // ECN DSCP, flow label elided
                if (!reader.TryRead(1, out f)) return false;
                trafficClass = EcnDscpToTrafficClass(f[0]);
                return true;
            default: // all elided: what the FW sends (D.2.4)
                return true;
        }
    }

    private static byte EcnDscpToTrafficClass(byte ecnDscp) => (byte)(((ecnDscp & 0x3F) << 2) | (ecnDscp >> 6));

    /// <summary>SAC/DAC 0 = fe80::/64, 1 = the network prefix; SAM/DAM 00 inline, 01 IID inline, 11 IID from the link layer (D.2.3).</summary>
    private static bool TryReadAddress(ref LowpanReader reader, string which, bool stateful, int mode, Ipv6Prefix prefix, Eui64 linkLayer, scoped Span<byte> address, out Drop error)
    {
        error = default;
        var high = stateful ? prefix : Ipv6Prefix.LinkLocal;
        switch (mode)
        {
            case 0:
                // RFC 6282 reads SAC=1 SAM=00 as ::, the FW as 16 inline bytes; neither is ever sent (D.2.4).
                if (stateful) return Fail(DropReason.OpenWsnUnsupportedLowpan, $"IPHC {which} address mode {(which == "source" ? "SAC" : "DAC")}=1 with 00", out error);
                if (!reader.TryRead(16, out var full)) return Fail(DropReason.OpenWsnBadLowpan, $"IPHC {which} address cut short", out error);
                full.CopyTo(address);
                return true;
            case 1:
                if (!reader.TryRead(8, out var iid)) return Fail(DropReason.OpenWsnBadLowpan, $"IPHC {which} IID cut short", out error);
                BinaryPrimitives.WriteUInt64BigEndian(address, high.Value);
                iid.CopyTo(address[8..]);
                return true;
            case 2:
                // 16-bit forms: RFC 6282, OV and the FW disagree on the IID, and neither side sends them (D.2.3).
                return Fail(DropReason.OpenWsnUnsupportedLowpan, $"IPHC {which} address mode 10 (16-bit)", out error);
            default:
                // Elided: the IID is the L2 address, EUI-64 unchanged, no U/L flip (D.1, D.2.3).
                BinaryPrimitives.WriteUInt64BigEndian(address, high.Value);
                linkLayer.WriteTo(address[8..]);
                return true;
        }
    }

    /// <summary>NHC-UDP <c>11110CPP</c> (RFC 6282 4.3); NHC-EH is never sent by the FW (D.2.4).</summary>
    private static bool TryReadNhc(ref LowpanReader reader, out UdpHeader udp, out Drop error)
    {
        udp = default;
        if (!reader.TryReadByte(out var nhc)) return Fail(DropReason.OpenWsnBadLowpan, "NHC byte missing", out error);
        if ((nhc & 0xF8) != 0xF0)
        {
            var what = (nhc & 0xF0) == 0xE0 ? "NHC extension header" : $"NHC 0x{nhc:x2}";
            return Fail(DropReason.OpenWsnUnsupportedLowpan, what, out error);
        }
        ushort sourcePort, destinationPort;
        ReadOnlySpan<byte> p;
        var ok = true;
        switch (nhc & 3)
        {
            case 0:
                ok = reader.TryRead(4, out p);
                sourcePort = ok ? BinaryPrimitives.ReadUInt16BigEndian(p) : (ushort)0;
                destinationPort = ok ? BinaryPrimitives.ReadUInt16BigEndian(p[2..]) : (ushort)0;
                break;
            case 1:
                ok = reader.TryRead(3, out p);
                sourcePort = ok ? BinaryPrimitives.ReadUInt16BigEndian(p) : (ushort)0;
                destinationPort = ok ? (ushort)(0xF000 | p[2]) : (ushort)0;
                break;
            case 2:
                ok = reader.TryRead(3, out p);
                sourcePort = ok ? (ushort)(0xF000 | p[0]) : (ushort)0;
                destinationPort = ok ? BinaryPrimitives.ReadUInt16BigEndian(p[1..]) : (ushort)0;
                break;
            default:
                ok = reader.TryRead(1, out p);
                sourcePort = ok ? (ushort)(0xF0B0 | (p[0] >> 4)) : (ushort)0;
                destinationPort = ok ? (ushort)(0xF0B0 | (p[0] & 0x0F)) : (ushort)0;
                break;
        }
        if (!ok) return Fail(DropReason.OpenWsnBadLowpan, "NHC-UDP ports cut short", out error);

        ushort? checksum = null;
        if ((nhc & 0x04) == 0)
        {
            if (!reader.TryRead(2, out var c)) return Fail(DropReason.OpenWsnBadLowpan, "NHC-UDP checksum cut short", out error);
            checksum = BinaryPrimitives.ReadUInt16BigEndian(c);
        }
        udp = new UdpHeader(sourcePort, destinationPort, checksum);
        error = default;
        return true;
    }

    /// <summary>The UDP checksum over the pseudo-header, for an NHC-UDP header whose checksum was elided (C=1).</summary>
    private static ushort UdpChecksum(ReadOnlySpan<byte> packet)
    {
        var l4 = packet[Ipv6HeaderLength..];
        ulong sum = (ulong)l4.Length + Udp;
        for (var i = 8; i < Ipv6HeaderLength; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(packet[i..]);
        for (var i = 0; i + 1 < l4.Length; i += 2)
            if (i != 6) sum += BinaryPrimitives.ReadUInt16BigEndian(l4[i..]);
        if (l4.Length % 2 == 1) sum += (ulong)l4[^1] << 8;
        while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
        var checksum = (ushort)~sum;
        // 0 means "no checksum" in UDP; IPv6 forbids it, so it is sent as all ones (RFC 8200 8.1).
        return checksum == 0 ? (ushort)0xFFFF : checksum;
    }

    private static bool Fail(DropReason reason, string detail, out Drop error)
    {
        error = new Drop(reason, detail);
        return false;
    }

    private readonly record struct UdpHeader(ushort SourcePort, ushort DestinationPort, ushort? Checksum);
}
