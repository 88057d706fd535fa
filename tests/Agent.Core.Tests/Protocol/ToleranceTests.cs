using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Agent.Core.Protocol;

namespace Agent.Core.Tests.Protocol;

/// <summary>We accept any subset of fields, ignore unknown ones, and read every shape old senders used (PROTOCOL.md 1, 3.1).</summary>
public sealed class ToleranceTests
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Packet_with_only_data_is_read()
    {
        Assert.True(PacketMessage.TryRead(Utf8("""{"data": [96, 0]}"""), out var message, out _));
        Assert.Equal(new byte[] { 96, 0 }, message!.Data);
        Assert.Null(message.InterfaceName);
        Assert.Null(message.Timestamp);
    }

    [Fact]
    public void Packet_extra_fields_are_ignored_even_nested()
    {
        Assert.True(PacketMessage.TryRead(Utf8("""{"x": {"data": [1]}, "data": [7], "y": [1, [2]], "interface_name": "tun3"}"""), out var message, out _));
        Assert.Equal(new byte[] { 7 }, message!.Data);
        Assert.Equal("tun3", message.InterfaceName);
    }

    [Theory]
    [InlineData("1524036417", 1524036417d)]
    [InlineData("1524036417.25", 1524036417.25d)]
    public void Timestamps_may_be_integer_or_fractional(string json, double expected)
    {
        Assert.True(PacketMessage.TryRead(Utf8($$"""{"data": [1], "timestamp": {{json}}}"""), out var message, out _));
        Assert.Equal(expected, message!.Timestamp);
    }

    [Fact]
    public void We_write_sub_second_timestamps_and_the_router_integer_ones()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1524036417250);
        var fine = new ArrayBufferWriter<byte>();
        PacketMessage.Write(fine, [1], "tun0", at);
        Assert.Equal(1524036417.25, JsonNode.Parse(fine.WrittenSpan)!["timestamp"]!.GetValue<double>());
        var whole = new ArrayBufferWriter<byte>();
        PacketMessage.Write(whole, [1], "tun0", at, integerTimestamp: true);
        Assert.Equal("1524036417", JsonNode.Parse(whole.WrittenSpan)!["timestamp"]!.ToJsonString());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("""{"interface_name": "tun0"}""")]
    [InlineData("""{"data": "YWJj"}""")]
    [InlineData("""{"data": [1, 256]}""")]
    [InlineData("""{"data": [1, -1]}""")]
    [InlineData("""{"data": [1.5]}""")]
    [InlineData("""{"data": [1, "2"]}""")]
    [InlineData("""{"data": [1, 2""")]
    [InlineData("""{"data": [96], "data": [69]}""")]
    [InlineData("""{"data": [96], "interface_name": "tun0", "interface_name": "tun1"}""")]
    [InlineData("""{"data": [96]} {"data": [69]}""")]
    [InlineData("""{"data": [96]}x""")]
    [InlineData("""{"data": [96]}]""")]
    public void Malformed_packets_are_refused_with_a_reason(string json)
    {
        Assert.False(PacketMessage.TryRead(Utf8(json), out var message, out var error));
        Assert.Null(message.Data);
        Assert.NotEmpty(error);
    }

    [Theory]
    [InlineData("""{"data": [96], "data": [69]}""", "duplicate 'data'")]
    [InlineData("""{"data": [96]} {"data": [69]}""", "after the object")]
    public void A_body_that_could_be_read_two_ways_is_refused_saying_why(string json, string why)
    {
        Assert.False(PacketMessage.TryRead(Utf8(json), out _, out var error));
        Assert.Contains(why, error);
    }

    [Fact]
    public void Trailing_whitespace_is_no_trailing_bytes()
    {
        Assert.True(PacketMessage.TryRead(Utf8("{\"data\": [96], \"unknown\": 1, \"unknown\": 2}\r\n "), out var message, out _));
        Assert.Equal([96], message!.Data);
    }

    [Fact]
    public void Large_packets_are_read_whole()
    {
        var data = Enumerable.Range(0, 9000).Select(i => (byte)i).ToArray();
        var output = new ArrayBufferWriter<byte>();
        PacketMessage.Write(output, data, "tun0", DateTimeOffset.UnixEpoch);
        Assert.True(PacketMessage.TryRead(output.WrittenSpan, out var message, out _));
        Assert.Equal(data, message!.Data);
    }

    [Fact]
    public void A_body_longer_than_the_bound_is_refused_unread_and_one_at_the_bound_is_read()
    {
        var head = Utf8("{\"data\": [96, 0], \"x\": \"");
        var body = new byte[PacketMessage.MaxBodyBytes];
        body.AsSpan().Fill((byte)'a');
        head.CopyTo(body, 0);
        "\"}"u8.CopyTo(body.AsSpan(body.Length - 2));
        Assert.True(PacketMessage.TryRead(body, out var message, out _));
        Assert.Equal([96, 0], message.Data);
        var longer = new byte[body.Length + 1];
        body.CopyTo(longer, 1);
        longer[0] = (byte)' ';
        Assert.False(PacketMessage.TryRead(longer, out _, out var error));
        Assert.Equal($"a body of {longer.Length} bytes, more than any packet's ({PacketMessage.MaxBodyBytes})", error);
    }

    [Fact]
    public void Tun_start_with_no_fields_is_read()
    {
        Assert.Equal(new TunConfigMessage(), TunConfigMessage.TryParse(Utf8("{}")));
    }

    [Fact]
    public void Tun_start_with_list_typed_ipv4_fields_is_read()
    {
        var message = TunConfigMessage.TryParse(Utf8("""{"ipv4_host": [10, 2, 0, 7], "ipv4_network": [10, 2, 0, 0], "ipv4_netmask": [255, 255, 255, 0], "unknown": 1}"""))!;
        Assert.Equal("10.2.0.7", message.Ipv4Host);
        Assert.Equal("10.2.0.0", message.Ipv4Network);
        Assert.Equal("255.255.255.0", message.Ipv4Netmask);
    }

    [Fact]
    public void Tun_start_with_numeric_host_is_read_as_text()
    {
        Assert.Equal("3", TunConfigMessage.TryParse(Utf8("""{"ipv6_host": 3}"""))!.Ipv6Host);
    }

    [Fact]
    public void Tun_start_that_is_not_an_object_is_refused()
    {
        Assert.Null(TunConfigMessage.TryParse(Utf8("[]")));
        Assert.Null(TunConfigMessage.TryParse(Utf8("{broken")));
    }

    [Theory]
    [InlineData("""{"ipv6_host": "5", "ipv6_host": "6"}""")]
    [InlineData("""{"ipv6_host": "5"} {"ipv6_host": "6"}""")]
    [InlineData("""{"ipv6_host": "5"}x""")]
    public void Control_bodies_with_duplicate_fields_or_trailing_bytes_are_refused(string json)
    {
        Assert.Null(Wire.TryParseObject(Utf8(json)));
    }
}
