using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Agent.Core.Addressing;
using Agent.Core.Bus;
using Agent.Core.Protocol;
using Agent.Core.Relay;
using Agent.Core.Routing;
using Agent.Testing;

namespace Agent.Core.Tests.Routing;

/// <summary>Address-aware routing, links and the replicas' shared queue.</summary>
public sealed class AddressRoutingTests
{
    private readonly FakeBus _bus = new();

    private async Task<(PacketRouter Router, CancellationTokenSource Stop, Task Run)> StartAsync(RouterOptions options)
    {
        var (log, _) = CollectingSink.Logger();
        var time = new FakeTimeProvider();
        var router = new PacketRouter(_bus, options, log, new PacketLog(log, time), time);
        var stop = new CancellationTokenSource();
        var run = router.RunAsync(stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
        return (router, stop, run);
    }

    private async Task AnnounceAsync(int n) =>
        await _bus.DeliverAsync($"fromAgent.agent_{n}.ip.tun.started",
            AddressPlan.ForName(AgentName.Parse($"agent_{n}"))!.ToStarted(AgentName.Parse($"agent_{n}")).ToJson());

    private static byte[] Packet(string source, string destination)
    {
        byte[] ip = IPAddress.Parse(source).AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? [0x60, 0, 0, 0, 0, 0, 59, 64, .. IPAddress.Parse(source).GetAddressBytes(), .. IPAddress.Parse(destination).GetAddressBytes()]
            : [0x45, 0, 0, 20, 0, 0, 0, 0, 64, 59, 0, 0, .. IPAddress.Parse(source).GetAddressBytes(), .. IPAddress.Parse(destination).GetAddressBytes()];
        return Encoding.UTF8.GetBytes($$"""{"data": [{{string.Join(",", ip)}}], "interface_name": "tun0"}""");
    }

    private int DeliveredTo(int n) => _bus.BodiesOn($"toAgent.agent_{n}.ip.tun.packet.raw").Count;

    [Fact]
    public async Task A_unicast_packet_goes_only_to_the_owner_of_its_destination_and_a_copy_to_agent_TT()
    {
        var (_, stop, run) = await StartAsync(new RouterOptions([]));
        for (var n = 1; n <= 4; n++) await AnnounceAsync(n);
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet("bbbb::1", "bbbb::3"));
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet("10.2.0.1", "10.2.0.4"));
        Assert.Equal([0, 0, 1, 1], new[] { 1, 2, 3, 4 }.Select(DeliveredTo));
        // The testing tool's observer sees every packet of the session, as with the ioppytest router.
        Assert.Equal(2, _bus.BodiesOn("toAgent.agent_TT.ip.tun.packet.raw").Count);
        await stop.CancelAsync();
        await run;
    }

    [Theory]
    [InlineData("ff02::1")]
    [InlineData("bbbb::1:99")]
    [InlineData("bbbb::1a")]
    [InlineData("10.2.0.255")]
    public async Task Multicast_broadcast_and_unknown_destinations_fan_out_as_in_a_hub(string destination)
    {
        var (_, stop, run) = await StartAsync(new RouterOptions([]));
        for (var n = 1; n <= 3; n++) await AnnounceAsync(n);
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw",
            Packet(destination.Contains(':') ? "bbbb::1" : "10.2.0.1", destination));
        Assert.Equal([0, 1, 1], new[] { 1, 2, 3 }.Select(DeliveredTo));
        Assert.Single(_bus.BodiesOn("toAgent.agent_TT.ip.tun.packet.raw"));
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Hub_mode_ignores_addresses()
    {
        var (_, stop, run) = await StartAsync(new RouterOptions([], RoutingMode.Hub));
        for (var n = 1; n <= 3; n++) await AnnounceAsync(n);
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet("bbbb::1", "bbbb::2"));
        Assert.Equal([0, 1, 1], new[] { 1, 2, 3 }.Select(DeliveredTo));
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Links_restrict_forwarding_and_a_node_on_two_links_reaches_both()
    {
        var links = new List<IReadOnlyList<string>> { new[] { "agent_1", "agent_2" }, new[] { "agent_2", "agent_3" } };
        var (router, stop, run) = await StartAsync(new RouterOptions([], RoutingMode.Hub, links));
        Assert.Equal(["agent_1", "agent_2", "agent_3"], router.Agents);
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet("bbbb::1", "ff02::1"));
        Assert.Equal([0, 1, 0], new[] { 1, 2, 3 }.Select(DeliveredTo));
        await _bus.DeliverAsync("fromAgent.agent_2.ip.tun.packet.raw", Packet("bbbb::2", "ff02::1"));
        Assert.Equal([1, 1, 1], new[] { 1, 2, 3 }.Select(DeliveredTo));
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_unicast_packet_across_links_goes_nowhere_and_is_counted()
    {
        var links = new List<IReadOnlyList<string>> { new[] { "agent_1", "agent_2" }, new[] { "agent_2", "agent_3" } };
        var (router, stop, run) = await StartAsync(new RouterOptions([], RoutingMode.Address, links));
        for (var n = 1; n <= 3; n++) await AnnounceAsync(n);
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet("bbbb::1", "bbbb::3"));
        Assert.Equal([0, 0, 0], new[] { 1, 2, 3 }.Select(DeliveredTo));
        Assert.Contains("no-route 1", router.Counters.Lines().Single());
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Router_stats_say_what_was_received_forwarded_and_dropped_per_agent()
    {
        var (router, stop, run) = await StartAsync(new RouterOptions([]));
        for (var n = 1; n <= 3; n++) await AnnounceAsync(n);
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet("bbbb::1", "ff02::1"));
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Encoding.UTF8.GetBytes("{]"));
        var stats = router.Stats("replica-1", TimeSpan.FromSeconds(5));
        Assert.Equal(["agent_1", "agent_2", "agent_3"], stats.Agents);
        Assert.Equal(new Agent.Core.Stats.RoutedTraffic(2, 3, 1), stats.Traffic["agent_1"]);
        Assert.Equal("replica-1", stats.Replica);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Packets_come_from_the_shared_queue_and_announcements_from_a_private_one()
    {
        var (_, stop, run) = await StartAsync(new RouterOptions([], SharedQueue: "q.packets"));
        Assert.Contains(_bus.SubscribeOptions, o => o is { SharedQueue: "q.packets", Prefetch: <= 64 });
        Assert.Contains(_bus.SubscribeOptions, o => o is null);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_redelivered_packet_is_counted_and_never_forwarded_and_a_cluster_gets_a_quorum_queue()
    {
        var (router, stop, run) = await StartAsync(new RouterOptions([], ReplicatedQueue: true));
        for (var n = 1; n <= 2; n++) await AnnounceAsync(n);
        var shared = _bus.SubscribeOptions.Single(o => o?.SharedQueue is not null)!;
        Assert.True(shared.Replicated);
        await shared.Redelivered!("fromAgent.agent_1.ip.tun.packet.raw", Packet("bbbb::1", "bbbb::2"), null);
        Assert.Equal(0, DeliveredTo(2));
        Assert.Contains("redelivered 1", router.Counters.Lines().Single());
        await stop.CancelAsync();
        await run;
    }

    [Theory]
    [InlineData(RoutingMode.Address)]
    [InlineData(RoutingMode.Hub)]
    public async Task A_plan_address_nobody_announced_reaches_its_agent_N(RoutingMode mode)
    {
        var (_, stop, run) = await StartAsync(new RouterOptions([], mode));
        await AnnounceAsync(1);
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet("bbbb::1", "bbbb::12"));
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet("10.2.0.1", "10.2.0.12"));
        Assert.Equal(2, _bus.BodiesOn("toAgent.agent_12.ip.tun.packet.raw").Count);
        Assert.Equal(2, _bus.BodiesOn("toAgent.agent_TT.ip.tun.packet.raw").Count);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task No_tt_sends_agent_TT_no_copies()
    {
        var (_, stop, run) = await StartAsync(new RouterOptions([], CopyToTestingTool: false));
        for (var n = 1; n <= 2; n++) await AnnounceAsync(n);
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet("bbbb::1", "bbbb::2"));
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet("bbbb::1", "ff02::1"));
        Assert.Equal(2, DeliveredTo(2));
        Assert.Empty(_bus.BodiesOn("toAgent.agent_TT.ip.tun.packet.raw"));
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task It_asks_every_agent_to_identify_itself_on_start_and_after_every_reconnect()
    {
        var (_, stop, run) = await StartAsync(new RouterOptions([]));
        await _bus.WaitForAsync(Topics.IdentifyRequest);
        _bus.Reconnect();
        await _bus.WaitForAsync(Topics.IdentifyRequest, count: 2);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task The_coordinators_tun_start_names_an_agent_and_its_addresses()
    {
        var (router, stop, run) = await StartAsync(new RouterOptions([]));
        await _bus.DeliverAsync("toAgent.coap_server.ip.tun.start",
            Encoding.UTF8.GetBytes("""{"_api_version": "1.2.15", "ipv6_host": ":5", "ipv6_prefix": "bbbb", "name": "coap_server"}"""));
        Assert.Contains("coap_server", router.Agents);
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet("bbbb::1", "bbbb::5"));
        Assert.Single(_bus.BodiesOn("toAgent.coap_server.ip.tun.packet.raw"));
        Assert.Empty(_bus.BodiesOn("toAgent.agent_5.ip.tun.packet.raw"));
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_network_re_routed_behind_an_agent_belongs_to_it_as_a_whole()
    {
        var (_, stop, run) = await StartAsync(new RouterOptions([]));
        await AnnounceAsync(2);
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.started", Encoding.UTF8.GetBytes(
            """{"name": "agent_1", "ipv6_prefix": "bbbb", "ipv6_host": "1", "re_route_packets_if": "eth1", "re_route_packets_prefix": "cccc", "re_route_packets_host": "1"}"""));
        await _bus.DeliverAsync("fromAgent.agent_2.ip.tun.packet.raw", Packet("bbbb::2", "cccc::1"));
        await _bus.DeliverAsync("fromAgent.agent_2.ip.tun.packet.raw", Packet("bbbb::2", "cccc::2"));
        Assert.Equal(2, DeliveredTo(1));
        await stop.CancelAsync();
        await run;
    }
}
