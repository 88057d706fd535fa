using System.Buffers.Binary;
using System.Text.Json;
using Agent.Connectors.Serial.OpenWsn;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.Tests.OpenWsn;

public class LowpanDecoderTests
{
    private static readonly LowpanContext ViaA = new(MeshVectors.Prefix, MeshVectors.Root, MeshVectors.A);

    // Vector "echo reply from mote A": F1 RPI IPHC(7A55) NH=3A srcIID dstIID payload.
    private const string SrcA = "141592cc00000002";
    private const string DstHost = "0000000000000001";
    private const string Echo = "8100415b123400015c216b3e00000000101112131415161718191a1b1c1d1e1f2021222324252627";
    private const string EchoIpv6Tail = "bbbb000000000000141592cc00000002bbbb0000000000000000000000000001" + Echo;

    private static string Decode(string lowpanHex, LowpanContext? context = null)
    {
        var ok = LowpanDecoder.TryDecode(Convert.FromHexString(lowpanHex), context ?? ViaA, out var packet, out var error);
        Assert.True(ok, error.ToString());
        return Convert.ToHexStringLower(packet!);
    }

    private static Drop Refuse(string lowpanHex)
    {
        Assert.False(LowpanDecoder.TryDecode(Convert.FromHexString(lowpanHex), ViaA, out var packet, out var error));
        Assert.Null(packet);
        return error;
    }

    [Theory]
    [MemberData(nameof(MeshVectors.DataCases), MemberType = typeof(MeshVectors))]
    public void Data_vectors_decode_to_the_recorded_ipv6_packet(int index)
    {
        var vector = MeshVectors.Data[index];
        var data = MeshVectors.ParseData(vector.GetProperty("raw_frame_hex").GetString()!);
        var context = new LowpanContext(MeshVectors.Prefix, data.Root, data.PreviousHop);
        Assert.Equal(MeshVectors.ExpectedIpv6Hex(vector), Decode(vector.GetProperty("lowpan_hex").GetString()!, context));
    }

    [Fact]
    public void The_uinject_port_0xf0b1_is_an_inline_udp_header_not_nhc()
    {
        var vector = MeshVectors.Data.EnumerateArray().Single(v => v.TryGetProperty("OPENVISUALIZER_BUG", out _));
        var decoded = Decode(vector.GetProperty("lowpan_hex").GetString()!);
        Assert.Equal(vector.GetProperty("correct_ipv6_hex").GetString(), decoded);
        Assert.NotEqual(vector.GetProperty("decompressed_ipv6_hex (what openvisualizer writes to TUN)").GetString(), decoded);
    }

    [Theory]
    [MemberData(nameof(MeshVectors.FragmentedCases), MemberType = typeof(MeshVectors))]
    public void Reassembled_vectors_decode_to_the_recorded_ipv6_packet(int index)
    {
        var vector = MeshVectors.Fragmented[index];
        var decoded = Decode(vector.GetProperty("reassembled_lowpan_hex").GetString()!);
        Assert.Equal(MeshVectors.ExpectedIpv6Hex(vector), decoded);
        Assert.EndsWith(vector.GetProperty("icmpv6_echo_reply_hex").GetString()!, decoded, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(MeshVectors.DaoCases), MemberType = typeof(MeshVectors))]
    public void Dao_vectors_decode_to_the_recorded_ipv6_packet(int index)
    {
        var vector = MeshVectors.Daos[index];
        Assert.Equal(vector.GetProperty("ipv6_equivalent_hex").GetString(), Decode(vector.GetProperty("lowpan_hex").GetString()!));
    }

    [Theory]
    [InlineData("")]                 // plain IPHC, no page-1 dispatch
    [InlineData("f1")]               // page 1 with no 6LoRH (what the host side sends)
    [InlineData("f1830503")]         // RPI: I=1 (instance 0 elided), K=1 (1-byte rank)
    [InlineData("f182050380")]       // K=0: 2-byte rank
    [InlineData("f18105000c")]       // I=0: instance byte, then 1-byte rank
    [InlineData("f1800501055f")]     // I=0, K=0
    [InlineData("f19b0503")]         // O R F set too: only logged by OV
    [InlineData("f1830503a3070a0b0c")] // Deadline-6LoRH (elective type 7, 3 bytes), skipped by its length
    [InlineData("f1a2090102830503")] // an unknown elective 6LoRH is skipped too
    public void Page1_and_6lorhs_in_front_of_iphc_are_skipped(string front) =>
        Assert.Equal("6000000000283a40" + EchoIpv6Tail, Decode(front + "7a553a" + SrcA + DstHost + Echo));

    [Theory]
    [InlineData("a10620", "20")]                                         // len 1: encapsulator root prefix::1 elided
    [InlineData("a90630141592cc00000002", "30")]                         // len 9: prefix + 8 bytes
    [InlineData("b106ffbbbb000000000000141592cc00000002", "ff")]         // len 17: full address
    public void With_ipinip_the_inner_header_wins_except_the_hop_limit(string ipInIp, string hopLimit)
    {
        // Inner header with 16-byte addresses, as FW emits under IPinIP (D.2.4).
        var inner = "7a003a" + "bbbb000000000000" + SrcA + "bbbb000000000000" + DstHost + Echo;
        Assert.Equal("6000000000283a" + hopLimit + EchoIpv6Tail, Decode("f1830503" + ipInIp + inner));
    }

    [Theory]
    [InlineData("78553a05", "05")]  // HLIM 00: inline, after the next header
    [InlineData("79553a", "01")]
    [InlineData("7a553a", "40")]
    [InlineData("7b553a", "ff")]
    public void Every_hop_limit_form_decodes(string iphc, string hopLimit) =>
        Assert.Equal("6000000000283a" + hopLimit + EchoIpv6Tail, Decode("f1830503" + iphc + SrcA + DstHost + Echo));

    [Theory]
    [InlineData("6a55412345", "60112345")]   // TF 01: ECN(01) rsv FL(0x12345), DSCP elided
    [InlineData("6255b8012345", "6e212345")] // TF 00: ECN(10) DSCP(0x38), rsv, FL
    [InlineData("7255b8", "6e200000")]       // TF 10: ECN DSCP, flow label elided
    public void Traffic_class_and_flow_label_forms_decode(string iphcAndTf, string firstWord) =>
        Assert.Equal(firstWord + "00283a40" + EchoIpv6Tail, Decode(iphcAndTf + "3a" + SrcA + DstHost + Echo));

    [Fact]
    public void Elided_addresses_come_from_the_link_layer_eui64s()
    {
        // SAC=1 SAM=11, DAC=1 DAM=11: source IID = previous hop (D header), destination IID = root EUI-64.
        var dao = MeshVectors.Daos[0];
        var payload = dao.GetProperty("icmpv6_dao_hex").GetString()!;
        Assert.Equal(dao.GetProperty("ipv6_equivalent_hex").GetString(), Decode("f18305037a773a" + payload));

        // SAC=0 / DAC=0: fe80::/64, with inline (01) or elided (11) IIDs.
        Assert.Equal("6000000000283a40fe80000000000000141592cc00000002fe800000000000000000000000000001" + Echo,
            Decode("7a113a" + SrcA + DstHost + Echo));
        Assert.Equal("6000000000283a40fe80000000000000141592cc00000002fe80000000000000141592cc00000001" + Echo,
            Decode("7a333a" + Echo));
    }

    [Fact]
    public void Nhc_udp_rebuilds_the_udp_header_in_every_port_form_and_computes_an_elided_checksum()
    {
        var uinject = MeshVectors.Data.EnumerateArray().Single(v => v.TryGetProperty("OPENVISUALIZER_BUG", out _));
        var expected = uinject.GetProperty("correct_ipv6_hex").GetString()!;
        const string payload = "75696e6a6563740700422301000002010004d20400009f860100";
        const string addresses = "141592cc00000004" + DstHost;
        // Expected checksum aad6 as the mote computed it (checked by the vector); ports 0xf0b1 both.
        foreach (var nhc in new[] { "f0f0b1f0b1aad6", "f1f0b1b1aad6", "f2b1f0b1aad6", "f311aad6", "f711" })
            Assert.Equal(expected, Decode("f18305037e55" + addresses + nhc + payload));
        Assert.Equal(0xFFFF, OnesComplementSumOfUdp(Convert.FromHexString(expected)));
    }

    [Fact]
    public void The_ipv6_payload_length_is_what_remains()
    {
        var decoded = Convert.FromHexString(Decode("7a553a" + SrcA + DstHost));
        Assert.Equal(40, decoded.Length);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(decoded.AsSpan(4)));
    }

    [Theory]
    [InlineData("7a653a" + SrcA + "0001" + DstHost, DropReason.OpenWsnUnsupportedLowpan)] // SAM=10
    [InlineData("7a563a" + SrcA + "0001", DropReason.OpenWsnUnsupportedLowpan)]           // DAM=10
    [InlineData("7a5d3a" + SrcA + DstHost, DropReason.OpenWsnUnsupportedLowpan)]           // M=1
    [InlineData("7ad5003a" + SrcA + DstHost, DropReason.OpenWsnUnsupportedLowpan)]         // CID=1
    [InlineData("7a453a" + DstHost, DropReason.OpenWsnUnsupportedLowpan)]                  // SAC=1 SAM=00
    [InlineData("7a543a" + SrcA, DropReason.OpenWsnUnsupportedLowpan)]                     // DAC=1 DAM=00
    [InlineData("7e55" + SrcA + DstHost + "e13a", DropReason.OpenWsnUnsupportedLowpan)]    // NHC extension header
    [InlineData("7e55" + SrcA + DstHost + "00", DropReason.OpenWsnUnsupportedLowpan)]      // not an NHC
    [InlineData("f180030203", DropReason.OpenWsnUnsupportedLowpan)]                        // RH3-6LoRH upstream
    [InlineData("f183090000", DropReason.OpenWsnUnsupportedLowpan)]                        // unknown critical 6LoRH
    [InlineData("41600000000000", DropReason.OpenWsnUnsupportedLowpan)]                    // uncompressed IPv6 dispatch
    [InlineData("c057043cf1", DropReason.OpenWsnUnsupportedLowpan)]                        // a fragment: reassemble first
    [InlineData("", DropReason.OpenWsnBadLowpan)]
    [InlineData("f1", DropReason.OpenWsnBadLowpan)]
    [InlineData("f1830503", DropReason.OpenWsnBadLowpan)]
    [InlineData("f18305", DropReason.OpenWsnBadLowpan)]
    [InlineData("f1a006" + "7a553a", DropReason.OpenWsnBadLowpan)]                         // IPinIP without hop limit
    [InlineData("f1b10640bbbb", DropReason.OpenWsnBadLowpan)]                              // IPinIP cut short
    [InlineData("7a", DropReason.OpenWsnBadLowpan)]
    [InlineData("7a55", DropReason.OpenWsnBadLowpan)]
    [InlineData("7a553a141592cc", DropReason.OpenWsnBadLowpan)]
    [InlineData("7e55" + SrcA + DstHost, DropReason.OpenWsnBadLowpan)]                     // NHC byte missing
    [InlineData("7e55" + SrcA + DstHost + "f0f0b1", DropReason.OpenWsnBadLowpan)]          // ports cut short
    [InlineData("7e55" + SrcA + DstHost + "f311aa", DropReason.OpenWsnBadLowpan)]          // checksum cut short
    [InlineData("6a55", DropReason.OpenWsnBadLowpan)]                                      // TF 01 cut short
    public void Refuses_what_it_cannot_decode_with_a_reason(string hex, DropReason reason)
    {
        var error = Refuse(hex);
        Assert.Equal(reason, error.Reason);
        Assert.False(string.IsNullOrEmpty(error.Detail));
    }

    [Fact]
    public void Every_truncation_of_every_vector_is_decoded_or_refused_without_throwing()
    {
        foreach (var lowpan in AllVectorLowpans())
        {
            for (var length = 0; length <= lowpan.Length; length++)
            {
                var ok = LowpanDecoder.TryDecode(lowpan.AsSpan(0, length), ViaA, out var packet, out var error);
                Assert.True(ok ? packet is not null : !string.IsNullOrEmpty(error.Detail));
            }
        }
    }

    [Fact]
    public void Random_datagrams_never_throw()
    {
        var random = new Random(3);
        byte[] starts = [0xF1, 0x7A, 0x7E, 0x60, 0x83, 0xA1];
        for (var i = 0; i < 50_000; i++)
        {
            var bytes = new byte[random.Next(0, 60)];
            random.NextBytes(bytes);
            if (bytes.Length > 0 && random.Next(2) == 0) bytes[0] = starts[random.Next(starts.Length)];
            if (bytes.Length > 1 && bytes[0] == 0xF1 && random.Next(2) == 0) bytes[1] = (byte)(0x80 | (bytes[1] & 0x3F));
            LowpanDecoder.TryDecode(bytes, ViaA, out _, out _);
        }
    }

    private static IEnumerable<byte[]> AllVectorLowpans() =>
        MeshVectors.Data.EnumerateArray().Select(v => v.GetProperty("lowpan_hex").GetString()!)
            .Concat(MeshVectors.Fragmented.EnumerateArray().Select(v => v.GetProperty("reassembled_lowpan_hex").GetString()!))
            .Concat(MeshVectors.Daos.EnumerateArray().Select(v => v.GetProperty("lowpan_hex").GetString()!))
            .Select(Convert.FromHexString);

    private static int OnesComplementSumOfUdp(byte[] packet)
    {
        var l4 = packet.AsSpan(40);
        long sum = l4.Length + 17;
        for (var i = 8; i < 40; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(i));
        for (var i = 0; i + 1 < l4.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(l4[i..]);
        if (l4.Length % 2 == 1) sum += l4[^1] << 8;
        while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
        return (int)sum;
    }
}
