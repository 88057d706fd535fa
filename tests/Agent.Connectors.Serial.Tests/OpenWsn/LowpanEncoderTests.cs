using Agent.Connectors.Serial.OpenWsn;
using Agent.Core.Addressing;
using static Agent.Connectors.Serial.Tests.OpenWsn.HostToMeshTests;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.Tests.OpenWsn;

public class LowpanEncoderTests
{
    private static readonly LowpanEncoder Encoder = new(Ipv6Prefix.Default);
    private static readonly Eui64 A = Eui64.Parse("141592cc00000002");
    private static readonly Eui64 B = Eui64.Parse("141592cc00000003");
    private static readonly Eui64 C = Eui64.Parse("141592cc00000004");
    private static readonly Eui64 Root = Eui64.Parse("141592cc00000001");

    [Theory]
    [MemberData(nameof(CaseIndexes), MemberType = typeof(HostToMeshTests))]
    public void Encodes_the_vector_datagram_with_the_vector_source_route(int index)
    {
        var vector = Cases[index];

        var result = Encoder.Encode(vector.Ipv6, Route);

        Assert.True(result.Encoded, result.Refusal?.Detail);
        Assert.Equal(Convert.ToHexStringLower(vector.Datagram), Convert.ToHexStringLower(result.Datagram));
        Assert.Equal(A, result.NextHop);
    }

    [Fact]
    public void Lists_the_hops_from_the_root_child_down_to_the_destination_parent()
    {
        var result = Encoder.Encode(Ipv6("bbbb::1", "bbbb::1415:92cc:0:4", 58, 64, [0x80, 0, 0, 0]), [C, B, A, Root]);

        // 80 03 A (8 bytes against bbbb::1) | 80 00 03 (B against A); C itself is in IPHC (OPENWSN.md D.4.3 example).
        Assert.StartsWith("f18003141592cc00000002800003" + "7a553a", Convert.ToHexStringLower(result.Datagram!));
    }

    [Fact]
    public void Compares_the_first_hop_with_the_source_when_the_source_is_in_the_prefix()
    {
        var fromMoteE = Ipv6("bbbb::1415:92cc:0:5", "bbbb::1415:92cc:0:3", 17, 64, [1, 2, 3, 4, 0, 8, 0, 0]);

        var result = Encoder.Encode(fromMoteE, [B, A, Root]);

        Assert.Equal("f1800002" + "7a5511141592cc00000005141592cc00000003" + "0102030400080000", Convert.ToHexStringLower(result.Datagram!));
    }

    [Fact]
    public void Sends_a_one_hop_route_without_rh3_to_the_root_child()
    {
        var result = Encoder.Encode(Ipv6("bbbb::1", "bbbb::1415:92cc:0:2", 58, 64, [0x80, 0, 0, 0]), [A, Root]);

        Assert.Equal("f17a553a0000000000000001141592cc0000000280000000", Convert.ToHexStringLower(result.Datagram!));
        Assert.Equal(A, result.NextHop);
    }

    [Fact]
    public void Sends_link_local_destinations_straight_to_the_neighbour_without_asking_for_a_route()
    {
        var asked = false;

        var result = Encoder.Encode(Ipv6("fe80::1", "fe80::1415:92cc:0:3", 58, 255, [0x80, 0, 0, 0]), _ => { asked = true; return null; });

        Assert.False(asked);
        Assert.Equal(B, result.NextHop);
        // Same /64 (fe80::), so no RPI; SAC=DAC=0 with 8-byte IIDs, HLIM=11.
        Assert.Equal("f17b113a0000000000000001141592cc0000000380000000", Convert.ToHexStringLower(result.Datagram!));
    }

    [Fact]
    public void Adds_rpi_and_ip_in_ip_when_the_source_and_destination_prefixes_differ()
    {
        var result = Encoder.Encode(Ipv6("bbbb::1", "fe80::1415:92cc:0:2", 58, 64, [0x80, 0, 0, 0]), route: null);

        Assert.Equal("f1930500a106407a513a0000000000000001141592cc0000000280000000", Convert.ToHexStringLower(result.Datagram!));
    }

    [Fact]
    public void Accepts_off_prefix_sources_with_rpi_ip_in_ip_and_the_whole_source_address()
    {
        var result = Encoder.Encode(Ipv6("2001:db8::7", "bbbb::1415:92cc:0:2", 17, 30, [1, 2, 3, 4]), [A, Root]);

        Assert.Equal("f1930500a1061e" + "7805111e20010db8000000000000000000000007141592cc00000002" + "01020304",
            Convert.ToHexStringLower(result.Datagram!));
    }

    [Theory]
    [InlineData(1, "79", "")]
    [InlineData(64, "7a", "")]
    [InlineData(255, "7b", "")]
    [InlineData(63, "78", "3f")]
    [InlineData(0, "78", "00")]
    public void Codes_hop_limits_1_64_255_and_carries_others_inline(byte hopLimit, string iphcFirstByte, string inline)
    {
        var result = Encoder.Encode(Ipv6("bbbb::1", "bbbb::1415:92cc:0:2", 58, hopLimit, [0x80, 0, 0, 0]), [A, Root]);

        Assert.Equal($"f1{iphcFirstByte}553a{inline}0000000000000001141592cc0000000280000000", Convert.ToHexStringLower(result.Datagram!));
    }

    [Fact]
    public void Discards_the_flow_label()
    {
        var plain = Encoder.Encode(Ipv6("bbbb::1", "bbbb::1415:92cc:0:2", 58, 64, [0x80, 0, 0, 0]), [A, Root]);
        var labelled = Encoder.Encode(Ipv6("bbbb::1", "bbbb::1415:92cc:0:2", 58, 64, [0x80, 0, 0, 0], flowLabel: 0xABCDE), [A, Root]);

        Assert.Equal(plain.Datagram, labelled.Datagram);
    }

    [Fact]
    public void Uses_the_configured_prefix_for_context_and_first_reference()
    {
        var encoder = new LowpanEncoder(Ipv6Prefix.Parse("2001:db8:0:1"));

        var result = encoder.Encode(Ipv6("2001:db8:0:1::1", "2001:db8:0:1:1415:92cc:0:3", 58, 64, [0x80, 0, 0, 0]), [B, A, Root]);

        Assert.Equal("f18003141592cc00000002" + "7a553a0000000000000001141592cc0000000380000000", Convert.ToHexStringLower(result.Datagram!));
    }

    [Theory]
    [MemberData(nameof(Drops))]
    public void Returns_a_drop_reason_instead_of_throwing(byte[] packet, IReadOnlyList<Eui64>? route, DropReason reason)
    {
        var result = Encoder.Encode(packet, route);

        Assert.False(result.Encoded);
        Assert.Null(result.Datagram);
        Assert.Equal(reason, result.Refusal?.Reason);
        Assert.NotEmpty(result.Refusal!.Value.Detail);
    }

    public static TheoryData<byte[], IReadOnlyList<Eui64>?, DropReason> Drops() => new()
    {
        { Ipv6("bbbb::1", "ff02::1", 58, 255, [0x80, 0, 0, 0]), null, DropReason.OpenWsnMulticast },
        { Ipv6("bbbb::1", "ff12::1a", 17, 64, [1, 2, 3, 4]), [A, Root], DropReason.OpenWsnMulticast },
        { Ipv6("bbbb::1", "bbbb::1415:92cc:0:2", 58, 64, [0x01, 0x04, 0, 0]), [A, Root], DropReason.OpenWsnDestinationUnreachable },
        { Ipv6("bbbb::1", "bbbb::1415:92cc:0:2", 58, 64, [0x80, 0, 0, 0], trafficClass: 0x20), [A, Root], DropReason.OpenWsnTrafficClass },
        { Ipv6("bbbb::1", "bbbb::1415:92cc:0:2", 58, 64, [0x80, 0, 0, 0]), null, DropReason.OpenWsnNoSourceRoute },
        { Ipv6("bbbb::1", "bbbb::1415:92cc:0:2", 58, 64, [0x80, 0, 0, 0]), [], DropReason.OpenWsnNoSourceRoute },
        { Ipv6("bbbb::1", "bbbb::1415:92cc:0:1", 58, 64, [0x80, 0, 0, 0]), [Root], DropReason.OpenWsnNoSourceRoute },
        { Convert.FromHexString("4500001c000000004001000001020304050607080800f7ff00000000"), [A, Root], DropReason.OpenWsnNotIpv6 },
        { Convert.FromHexString("6000000000043a40"), [A, Root], DropReason.OpenWsnNotIpv6 },
        { [], [A, Root], DropReason.OpenWsnNotIpv6 },
    };
}
