using System.Net;
using Agent.Connectors.Serial.Payloads;
using Agent.Core.Addressing;
using Agent.Core.Drops;
using Serilog;

namespace Agent.Connectors.Serial.Tests.Payloads;

/// <summary>A frame's first byte says what it holds, never a guess (PROTOCOL.md 8).</summary>
public sealed class IpMotePayloadTests
{
    private readonly MoteAddresses _addresses = new();
    private readonly RecordingLink _link = new();
    private readonly IpMotePayload _payload;

    private static readonly ILogger Log = new LoggerConfiguration().CreateLogger();

    public IpMotePayloadTests() => _payload = new IpMotePayload(Ipv6Prefix.Parse("bbbb"), _addresses, 1500, forwardAll: false, Log);

    /// <summary>A minimal well-formed IPv6 packet (no payload, next header 59) between two addresses.</summary>
    private static byte[] Ipv6(string source, string destination) =>
        [0x60, 0, 0, 0, 0, 0, 59, 64, .. IPAddress.Parse(source).GetAddressBytes(), .. IPAddress.Parse(destination).GetAddressBytes()];

    private static byte[] Ipv4(string source, string destination) =>
        [0x45, 0, 0, 20, 0, 0, 0, 0, 64, 59, 0, 0, .. IPAddress.Parse(source).GetAddressBytes(), .. IPAddress.Parse(destination).GetAddressBytes()];

    [Fact]
    public void Ip_packets_go_up_without_wire_bytes()
    {
        _payload.FromMote(Ipv6("bbbb::3", "bbbb::1"), [], _link);
        _payload.FromMote(Ipv4("10.2.0.3", "10.2.0.1"), [], _link);
        Assert.Equal(2, _link.Up.Count);
        Assert.All(_link.Up, u => Assert.Null(u.Wire));
    }

    [Fact]
    public void The_prefix_query_is_answered_with_the_8_prefix_bytes()
    {
        _payload.FromMote("?P"u8, [], _link);
        Assert.Equal([(byte)'!', (byte)'P', 0xbb, 0xbb, 0, 0, 0, 0, 0, 0], _link.Replies.Single());
        Assert.Empty(_link.Up);
    }

    [Fact]
    public void Text_lines_commands_and_other_queries_are_printed_not_forwarded()
    {
        _payload.FromMote("\nmote: hello\n"u8, [], _link);
        _payload.FromMote("\rboot"u8, [], _link);
        _payload.FromMote("!M0011223344556677"u8, [], _link);
        Assert.Equal(["mote: hello", "boot", "!M0011223344556677"], _link.Printed);
        Assert.Empty(_link.Up);
        Assert.Empty(_link.Replies);
    }

    [Theory]
    [InlineData(new byte[] { 0x99, 1, 2 })]
    [InlineData(new byte[] { 0x41, 0xd8, 0 })]
    [InlineData(new byte[] { 0x70, 0 })]
    public void Unknown_first_bytes_are_dropped_and_counted(byte[] frame)
    {
        _payload.FromMote(frame, [], _link);
        Assert.Equal(DropReason.UnknownFirstByte, _link.Drops.Single().Reason);
        Assert.Empty(_link.Up);
    }

    [Fact]
    public void A_truncated_ip_packet_from_the_mote_is_dropped()
    {
        _payload.FromMote(Ipv6("bbbb::3", "bbbb::1")[..30], [], _link);
        Assert.Equal(DropReason.NotIpPacket, _link.Drops.Single().Reason);
    }

    [Fact]
    public void Until_the_mote_is_known_everything_goes_down_then_only_its_own_and_multicast()
    {
        Assert.True(_payload.CheckDownlink(Ipv6("bbbb::1", "bbbb::2")) is null);
        _payload.FromMote(Ipv6("fe80::3", "ff02::1"), [], _link);
        Assert.Null(_addresses.Global);
        Assert.Equal(0, _link.Changes);
        _payload.FromMote(Ipv6("bbbb::3", "bbbb::1"), [], _link);
        Assert.Equal(IPAddress.Parse("bbbb::3"), _addresses.Global);
        Assert.Equal(1, _link.Changes); // the agent announces it
        _payload.FromMote(Ipv6("bbbb::3", "bbbb::1"), [], _link);
        Assert.Equal(1, _link.Changes);

        Assert.True(_payload.CheckDownlink(Ipv6("bbbb::1", "bbbb::3")) is null);
        Assert.True(_payload.CheckDownlink(Ipv6("bbbb::1", "fe80::3")) is null);
        Assert.True(_payload.CheckDownlink(Ipv6("bbbb::1", "ff02::1a")) is null);
        var other = _payload.CheckDownlink(Ipv6("bbbb::1", "bbbb::2"));
        Assert.Equal(DropReason.NotForMote, other?.Reason);
        Assert.True(other?.Quiet);
    }

    [Fact]
    public void Forward_all_sends_everything_down()
    {
        var addresses = new MoteAddresses(IPAddress.Parse("bbbb::3"));
        var payload = new IpMotePayload(Ipv6Prefix.Default, addresses, 1500, forwardAll: true, Log);
        Assert.True(payload.CheckDownlink(Ipv6("bbbb::1", "bbbb::2")) is null);
    }

    [Fact]
    public void Downlink_frames_over_the_limit_or_not_ip_are_refused()
    {
        var small = new IpMotePayload(Ipv6Prefix.Default, _addresses, 40, forwardAll: false, Log);
        Assert.Equal(DropReason.Oversize, small.CheckDownlink(Ipv4("10.2.0.1", "10.2.0.3").Concat(new byte[30]).ToArray())?.Reason);
        Assert.Equal(DropReason.NotIpPacket, _payload.CheckDownlink([0x41, 0xd8])?.Reason);
    }
}
