using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Agent.Core.Protocol;

namespace Agent.Core.Tests.Protocol;

/// <summary>Every literal body of PROTOCOL.md is read and written back with every field it carries.</summary>
public sealed class LiteralBodiesTests
{
    private const string Ready = """{"_api_version": "1.2.15", "component": "agent_1", "description": "Component READY to start test suite."}""";

    private const string Packet = """{"_api_version": "1.2.15", "data": [96, 15, 46, 51, 0, 16, 58, 64, 187, 187, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 187, 187, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 128, 0, 58, 189, 105, 26, 0, 1, 90, 214, 243, 65, 0, 5, 22, 69], "interface_name": "tun0", "timestamp": 1524036417}""";

    private const string TunStart = """{"_api_version": "1.2.15", "ipv4_host": null, "ipv4_netmask": null, "ipv4_network": null, "ipv6_host": "1", "ipv6_no_forwarding": false, "ipv6_prefix": "bbbb", "name": "coap_client", "re_route_packets_host": null, "re_route_packets_if": null, "re_route_packets_prefix": null}""";

    private const string TunStarted = """{"_api_version": "1.2.15", "name": "agent_1", "ipv6_prefix": "bbbb", "ipv6_host": "1", "ipv6_no_forwarding": false, "ipv4_address": "10.2.0.1", "ipv4_host": "10.2.0.1", "ipv4_network": "10.2.0.0", "ipv4_netmask": "255.255.255.0", "re_route_packets_if": null, "re_route_packets_prefix": null, "re_route_packets_host": null}""";

    private const string SerialPacket = """{"_api_version": "1.2.15", "data": [65, 216, 206, 205, 171, 255, 255, 156, 237, 51, 4, 0, 75, 18, 0, 65, 96, 0, 0, 0, 0, 6, 58, 64, 254, 128, 0, 0, 0, 0, 0, 0, 2, 18, 75, 0, 4, 51, 237, 156, 255, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 26, 155, 0, 40, 63, 0, 0], "data_slip": [192, 65, 216, 206, 205, 171, 255, 255, 156, 237, 51, 4, 0, 75, 18, 0, 65, 96, 0, 0, 0, 0, 6, 58, 64, 254, 128, 0, 0, 0, 0, 0, 0, 2, 18, 75, 0, 4, 51, 237, 156, 255, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 26, 155, 0, 40, 63, 0, 0, 192], "interface_name": "serial", "timestamp": 1545000000}""";

    /// <summary>Every field of <paramref name="literal"/> is in <paramref name="written"/> with the same value.</summary>
    private static void AssertCarriesEveryField(string literal, byte[] written)
    {
        var expected = JsonNode.Parse(literal)!.AsObject();
        var actual = JsonNode.Parse(written)!.AsObject();
        foreach (var (field, value) in expected)
            Assert.True(JsonNode.DeepEquals(value, actual[field]), $"field {field}: expected {value?.ToJsonString() ?? "null"}, got {actual[field]?.ToJsonString() ?? "null"}");
    }

    [Fact]
    public void Component_ready_round_trips()
    {
        var message = ComponentMessage.TryParse(Encoding.UTF8.GetBytes(Ready))!;
        Assert.Equal("agent_1", message.Component);
        Assert.Equal(ComponentMessage.Ready("agent_1"), message);
        AssertCarriesEveryField(Ready, message.ToJson());
    }

    [Fact]
    public void Ip_packet_round_trips()
    {
        Assert.True(PacketMessage.TryRead(Encoding.UTF8.GetBytes(Packet), out var message, out _));
        Assert.Equal(56, message!.Data.Length);
        Assert.Equal("tun0", message.InterfaceName);
        Assert.Equal(1524036417d, message.Timestamp);
        var output = new ArrayBufferWriter<byte>();
        PacketMessage.Write(output, message.Data, message.InterfaceName!, DateTimeOffset.FromUnixTimeSeconds(1524036417));
        AssertCarriesEveryField(Packet, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Serial_packet_round_trips_with_data_slip()
    {
        Assert.True(PacketMessage.TryRead(Encoding.UTF8.GetBytes(SerialPacket), out var message, out _));
        Assert.Equal(0xC0, message!.DataSlip![0]);
        Assert.Equal(message.Data, message.DataSlip[1..^1]);
        var output = new ArrayBufferWriter<byte>();
        PacketMessage.Write(output, message.Data, "serial", DateTimeOffset.FromUnixTimeSeconds(1545000000), dataSlip: message.DataSlip, withDataSlip: true);
        AssertCarriesEveryField(SerialPacket, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Tun_start_round_trips()
    {
        var message = TunConfigMessage.TryParse(Encoding.UTF8.GetBytes(TunStart))!;
        Assert.Equal(new TunConfigMessage(Name: "coap_client", Ipv6Prefix: "bbbb", Ipv6Host: "1", Ipv6NoForwarding: false), message);
        AssertCarriesEveryField(TunStart, message.ToJson());
    }

    [Fact]
    public void Tun_started_round_trips()
    {
        var message = TunConfigMessage.TryParse(Encoding.UTF8.GetBytes(TunStarted))!;
        Assert.Equal("10.2.0.0", message.Ipv4Network);
        AssertCarriesEveryField(TunStarted, message.ToJson());
    }

    [Fact]
    public void Lossy_link_start_round_trips()
    {
        const string literal = """{"_api_version": "1.2.15", "number_of_packets_to_drop": 3}""";
        var message = LossyLinkStart.TryParse(Encoding.UTF8.GetBytes(literal))!;
        Assert.Equal(3, message.NumberOfPacketsToDrop);
        AssertCarriesEveryField(literal, message.ToJson());
    }
}
