using System.Text;
using Agent.Core.Capture;
using Agent.Testing;

namespace Agent.Core.Tests.Capture;

public sealed class CaptureRecordTests
{
    private static readonly DateTimeOffset ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(1524036417_700);

    private static byte[] Body(string timestamp) => Encoding.UTF8.GetBytes(
        $$"""{"_api_version": "1.2.15", "data": [{{string.Join(", ", SamplePackets.EchoRequestV6)}}], "interface_name": "tun0"{{timestamp}}}""");

    [Theory]
    [InlineData("fromAgent.agent_1.ip.tun.packet.raw", "agent_1", LinkType.RawIp)]
    [InlineData("fromAgent.coap_client.802154.serial.packet.raw", "coap_client", LinkType.Ieee802154NoFcs)]
    public void Packet_keys_give_the_agent_and_the_link_type(string key, string agent, LinkType linkType)
    {
        Assert.True(CaptureRecord.IsPacketKey(key, out var name, out var kind));
        Assert.Equal(agent, name);
        Assert.Equal(linkType, kind);
    }

    [Theory]
    [InlineData("fromAgent.agent_1.stats")]
    [InlineData("fromAgent.agent_1.ip.tun.started")]
    [InlineData("fromAgent.agent_3.802154.serial.started")]
    [InlineData("toAgent.agent_1.ip.tun.packet.raw")]
    [InlineData("testingtool.component.ready")]
    [InlineData("fromAgent..ip.tun.packet.raw")]
    public void Other_keys_are_not_packets(string key) =>
        Assert.False(CaptureRecord.IsPacketKey(key, out _, out _));

    [Fact]
    public void A_packet_key_of_an_unknown_kind_has_no_link_type()
    {
        Assert.True(CaptureRecord.IsPacketKey("fromAgent.agent_1.ble.packet.raw", out _, out var kind));
        Assert.Null(kind);
        Assert.False(CaptureRecord.TryParse("fromAgent.agent_1.ble.packet.raw", Body(""), ReceivedAt, out _, out _));
    }

    [Fact]
    public void The_capture_time_is_the_bodys_timestamp_with_its_fraction()
    {
        Assert.True(CaptureRecord.TryParse("fromAgent.agent_1.ip.tun.packet.raw", Body(""", "timestamp": 1524036417.123456"""), ReceivedAt, out var record, out _));
        Assert.Equal(1524036417123456, record!.UnixMicroseconds);
        Assert.Equal("agent_1", record.Agent);
        Assert.Equal("tun0", record.InterfaceName);
        Assert.Equal(SamplePackets.EchoRequestV6, record.Data);
        Assert.Equal("fromAgent.agent_1.ip.tun.packet.raw", record.RoutingKey);
    }

    [Fact]
    public void An_integer_timestamp_as_the_old_library_wrote_it_gives_way_to_the_receive_time()
    {
        Assert.True(CaptureRecord.TryParse("fromAgent.agent_1.ip.tun.packet.raw", Body(""", "timestamp": 1524036417"""), ReceivedAt, out var record, out _));
        Assert.Equal(1524036417700000, record!.UnixMicroseconds);
    }

    [Theory]
    [InlineData(1524036415.9)] // more than a second before it was received: a wrong clock
    [InlineData(1524036419.1)] // after it was received
    public void A_timestamp_far_from_the_receive_time_gives_way_to_it(double timestamp)
    {
        Assert.True(CaptureRecord.TryParse("fromAgent.agent_1.ip.tun.packet.raw", Body($$""", "timestamp": {{timestamp}}"""), ReceivedAt, out var record, out _));
        Assert.Equal(1524036417700000, record!.UnixMicroseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData(""", "timestamp": null""")]
    [InlineData(""", "timestamp": "yesterday" """)]
    [InlineData(""", "timestamp": -5""")]
    [InlineData(""", "timestamp": 1e300""")]
    public void Without_a_usable_timestamp_the_receive_time_is_used(string timestamp)
    {
        Assert.True(CaptureRecord.TryParse("fromAgent.agent_1.ip.tun.packet.raw", Body(timestamp), ReceivedAt, out var record, out _));
        Assert.Equal(ReceivedAt, record!.Timestamp);
    }

    [Fact]
    public void A_malformed_body_says_why()
    {
        Assert.False(CaptureRecord.TryParse("fromAgent.agent_1.ip.tun.packet.raw", "{]"u8, ReceivedAt, out _, out var error));
        Assert.Contains("JSON", error);
        Assert.False(CaptureRecord.TryParse("fromAgent.agent_1.ip.tun.packet.raw", """{"interface_name": "tun0"}"""u8, ReceivedAt, out _, out error));
        Assert.Contains("data", error);
    }
}
