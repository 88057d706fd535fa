using System.Net;
using System.Text;
using Agent.Core.Protocol;
using Agent.Core.Relay;
using Agent.Core.Routing;
using Agent.Testing;

namespace Agent.Core.Tests.Routing;

/// <summary>
/// The router works a route out once and looks it up for every later packet (issue 11): what it remembers must follow
/// every change of the agents it knows, and reading a destination must agree with IPAddress.
/// </summary>
public sealed class RouteCacheTests
{
    private readonly FakeBus _bus = new();

    private static byte[] Packet(string to) => Encoding.UTF8.GetBytes($$"""{"data": [{{string.Join(",", (byte[])[0x60, 0, 0, 0, 0, 0, 59, 64,
        .. IPAddress.Parse("bbbb::1").GetAddressBytes(), .. IPAddress.Parse(to).GetAddressBytes()])}}]}""");

    private Task AnnounceAsync(string name, string host, bool direct = false) =>
        _bus.DeliverAsync($"fromAgent.{name}.ip.tun.started", Encoding.UTF8.GetBytes(
            $$"""{"name": "{{name}}", "ipv6_prefix": "bbbb", "ipv6_host": "{{host}}", "direct": {{(direct ? "true" : "false")}}}"""));

    private int To(string agent) => _bus.BodiesOn($"toAgent.{agent}.ip.tun.packet.raw").Count;

    [Theory]
    [InlineData(RoutingMode.Hub)]
    [InlineData(RoutingMode.Address)]
    public async Task Routes_follow_agents_joining_turning_direct_and_being_forgotten(RoutingMode mode)
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var (log, _) = CollectingSink.Logger();
        var router = new PacketRouter(_bus, new RouterOptions([], Mode: mode, CopyToTestingTool: false, ForgetAfter: TimeSpan.FromSeconds(20)),
            log, new PacketLog(log, time), time);
        using var stop = new CancellationTokenSource();
        var run = router.RunAsync(stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
        await AnnounceAsync("agent_1", "1");
        await AnnounceAsync("agent_2", "2");

        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet("ff02::1"));
        Assert.Equal((1, 0), (To("agent_2"), To("agent_3")));
        await AnnounceAsync("agent_3", "3"); // joins: the fan-out remembered before must not leave it out
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet("ff02::1"));
        Assert.Equal((2, 1), (To("agent_2"), To("agent_3")));

        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet("bbbb::3"));
        Assert.Equal(2, To("agent_3"));
        await AnnounceAsync("agent_3", "3", direct: true); // takes its packets itself from now on
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet("bbbb::3"));
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet("ff02::1"));
        var toAgent2 = mode == RoutingMode.Hub ? 5 : 3; // in hub mode the unicasts to agent_3 reach agent_2 too
        Assert.Equal((toAgent2, 2), (To("agent_2"), To("agent_3")));

        await AnnounceAsync("agent_3", "3", direct: false);
        for (var i = 0; i < 6 && router.Agents.Contains("agent_2"); i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await _bus.DeliverAsync("fromAgent.agent_3.ip.tun.started", new TunConfigMessage("agent_3", "bbbb", "3").ToJson());
            await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.started", new TunConfigMessage("agent_1", "bbbb", "1").ToJson());
            await Task.Delay(50);
        }
        Assert.DoesNotContain("agent_2", router.Agents); // forgotten: a fan-out no longer goes to it
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet("ff02::1"));
        Assert.Equal((toAgent2, 3), (To("agent_2"), To("agent_3")));
        await stop.CancelAsync();
        await run;
    }

    [Theory]
    [InlineData("bbbb::2")]
    [InlineData("fe80::1")]
    [InlineData("2001:db8::ffff:1")]
    [InlineData("::ffff:10.2.0.2")]
    [InlineData("10.2.0.2")]
    [InlineData("192.168.1.7")]
    public void A_destination_read_from_a_header_is_the_address_ipaddress_reads(string text)
    {
        var address = IPAddress.Parse(text);
        byte[] packet = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? [0x60, 0, 0, 0, 0, 0, 59, 64, .. new byte[16], .. address.GetAddressBytes()]
            : [0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 10, 2, 0, 1, .. address.GetAddressBytes()];
        Assert.True(HostAddress.TryReadDestination(packet, out var destination));
        Assert.Equal(address, destination.ToIPAddress());
        Assert.Equal(HostAddress.From(address), destination);
    }

    [Fact]
    public void Groups_broadcast_and_non_ip_have_no_unicast_destination_and_v4_is_apart_from_mapped_v6()
    {
        byte[] V6(string to) => [0x60, 0, 0, 0, 0, 0, 59, 64, .. new byte[16], .. IPAddress.Parse(to).GetAddressBytes()];
        byte[] V4(string to) => [0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 10, 2, 0, 1, .. IPAddress.Parse(to).GetAddressBytes()];
        Assert.False(HostAddress.TryReadDestination(V6("ff02::1"), out _));
        Assert.False(HostAddress.TryReadDestination(V4("224.0.0.1"), out _));
        Assert.False(HostAddress.TryReadDestination(V4("10.2.0.255"), out _));
        Assert.False(HostAddress.TryReadDestination([0x60, 1, 2], out _));
        Assert.NotEqual(HostAddress.From(IPAddress.Parse("10.2.0.2")), HostAddress.From(IPAddress.Parse("::ffff:10.2.0.2")));
    }

    [Fact]
    public void Remembered_routing_keys_and_plan_owners_stay_bounded_and_still_answer_past_the_bound()
    {
        var cache = new RouteCache();
        for (var n = 0; n < RouteCache.Bound + 10; n++)
            Assert.True(cache.TryParseFromAgent($"fromAgent.agent_{n}.ip.tun.packet.raw", out var from, out _) && from == $"agent_{n}");
        Assert.False(cache.TryParseFromAgent("toAgent.agent_1.ip.tun.packet.raw", out _, out _));
        Assert.Equal("agent_12", cache.PlanOwner(HostAddress.From(IPAddress.Parse("bbbb::12"))));
        Assert.Null(cache.PlanOwner(HostAddress.From(IPAddress.Parse("bbbb::1a"))));
        Assert.Equal("agent_7", cache.PlanOwner(HostAddress.From(IPAddress.Parse("10.2.0.7"))));
    }
}
