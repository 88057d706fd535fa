using System.Text;
using System.Text.Json.Nodes;
using Agent.Core.Addressing;
using Agent.Core.Agents;
using Agent.Core.Drops;
using Agent.Core.Protocol;
using Agent.Core.Stats;
using Agent.Testing;

namespace Agent.Connectors.Tun.Tests;

/// <summary>A TUN agent, the one agent with the TUN kind, over an in-memory interface and a fake bus.</summary>
public sealed class TunAgentTests : TunAgentHarness
{
    [Fact]
    public async Task Agent_N_creates_its_interface_at_start_then_announces_then_says_ready()
    {
        using var stop = new CancellationTokenSource();
        var run = Agent("agent_1").RunAsync(stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
        Assert.Equal(["toAgent.agent_1.ip.tun.start", "toAgent.agent_1.ip.tun.packet.raw", Topics.IdentifyRequest, "fromAgent.agent_1.stats",
            Topics.AllTunStarted], _bus.BoundKeys.Where(k => k != StatsKeys.Request).Distinct());
        // Its own queue is named after it: the broker refuses a second agent of the same name.
        Assert.Contains(_bus.SubscribeOptions, o => o is { OwnQueue: "agent.agent_1" });
        await _bus.WaitForAsync(Topics.IdentifyRequest);
        Assert.Equal(["fromAgent.agent_1.ip.tun.started", "testingtool.component.ready", Topics.IdentifyRequest],
            _bus.Published.Select(p => p.Key).Where(k => k != "fromAgent.agent_1.stats"));
        var started = Json(_bus.BodiesOn("fromAgent.agent_1.ip.tun.started")[0]);
        Assert.Equal("bbbb", started["ipv6_prefix"]!.GetValue<string>());
        Assert.Equal("10.2.0.1", started["ipv4_address"]!.GetValue<string>());
        Assert.Equal("agent_1", Json(_bus.BodiesOn(Topics.ComponentReady)[0])["component"]!.GetValue<string>());

        await stop.CancelAsync();
        await run;
        Assert.Equal("agent_1", Json(await _bus.WaitForAsync(Topics.ComponentShutdown))["component"]!.GetValue<string>());
        Assert.True(_device!.Disposed);
    }

    [Fact]
    public async Task Other_names_wait_for_tun_start_and_drop_packets_until_then()
    {
        using var stop = new CancellationTokenSource();
        var run = Agent("coap_client").RunAsync(stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
        Assert.Empty(_opened);
        await _bus.DeliverAsync("toAgent.coap_client.ip.tun.packet.raw", Encoding.UTF8.GetBytes("""{"data": [96]}"""));
        Assert.Equal(1, _counters.Drops[DropReason.NotStarted]);

        await _bus.DeliverAsync("toAgent.coap_client.ip.tun.start",
            Encoding.UTF8.GetBytes("""{"_api_version": "1.2.15", "ipv4_host": null, "ipv4_netmask": null, "ipv4_network": null, "ipv6_host": ":1", "ipv6_no_forwarding": false, "ipv6_prefix": "bbbb", "name": "coap_client", "re_route_packets_host": null, "re_route_packets_if": null, "re_route_packets_prefix": null}"""));
        Assert.Equal(["bbbb::1/64", "fe80::1/64"], _opened.Single().Addresses.Select(a => a.ToString()));
        var started = Json(await _bus.WaitForAsync("fromAgent.coap_client.ip.tun.started"));
        Assert.Equal("1", started["ipv6_host"]!.GetValue<string>());
        Assert.Null(started["ipv4_address"]);

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_repeated_tun_start_announces_again_without_touching_the_interface()
    {
        using var stop = new CancellationTokenSource();
        var run = Agent("agent_2").RunAsync(stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
        await _bus.DeliverAsync("toAgent.agent_2.ip.tun.start", Encoding.UTF8.GetBytes("""{"ipv6_prefix": "cccc", "ipv6_host": "9"}"""));
        var again = Json(await _bus.WaitForAsync("fromAgent.agent_2.ip.tun.started", count: 2));
        Assert.Equal("bbbb", again["ipv6_prefix"]!.GetValue<string>());
        Assert.Single(_opened);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Unusable_tun_starts_are_dropped_counted_and_the_agent_keeps_waiting()
    {
        using var stop = new CancellationTokenSource();
        var run = Agent("eut1").RunAsync(stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
        await _bus.DeliverAsync("toAgent.eut1.ip.tun.start", Encoding.UTF8.GetBytes("[not an object"));
        await _bus.DeliverAsync("toAgent.eut1.ip.tun.start", Encoding.UTF8.GetBytes("""{"ipv6_prefix": "bbbb"}"""));
        Assert.Equal(2, _counters.Drops[DropReason.BadControl]);
        Assert.Empty(_opened);
        await _bus.DeliverAsync("toAgent.eut1.ip.tun.start", Encoding.UTF8.GetBytes("""{"ipv6_host": "5"}"""));
        Assert.Single(_opened);
        await stop.CancelAsync();
        await run;
    }

    [Theory]
    [InlineData("""{"ipv6_prefix": "ff02", "ipv6_host": "5"}""", "multicast")]
    [InlineData("""{"ipv6_prefix": "::", "ipv6_host": "5"}""", "unspecified")]
    [InlineData("""{"ipv6_host": "5", "ipv4_host": 4294967295, "ipv4_network": "10.1.0.0", "ipv4_netmask": "255.255.0.0"}""", "does not fit")]
    [InlineData("""{"ipv6_host": "5", "ipv4_address": "127.0.0.1/8"}""", "loopback")]
    [InlineData("""{"ipv6_host": "5", "ipv4_address": "0.0.0.0/1"}""", "ipv4_address")]
    public async Task Tun_starts_with_addresses_no_interface_may_have_are_dropped_and_the_agent_keeps_waiting(string body, string why)
    {
        using var stop = new CancellationTokenSource();
        var run = Agent("eut1").RunAsync(stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
        await _bus.DeliverAsync("toAgent.eut1.ip.tun.start", Encoding.UTF8.GetBytes(body));
        Assert.Equal(1, _counters.Drops[DropReason.BadControl]);
        Assert.Contains(why, _log!.Lines.Single(l => l.Contains("bad-control")));
        Assert.Empty(_opened);
        await _bus.DeliverAsync("toAgent.eut1.ip.tun.start", Encoding.UTF8.GetBytes("""{"ipv6_host": "5"}"""));
        Assert.Single(_opened);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_tun_start_that_ip_refuses_is_dropped_and_the_agent_keeps_waiting()
    {
        var refuse = true;
        using var stop = new CancellationTokenSource();
        var run = Agent("eut1", open: (_, _) => refuse
            ? throw new InterfaceConfigurationException("ip -6 route replace cccc::/64 dev eth9: Cannot find device \"eth9\"")
            : Task.FromResult<ITunInterface>(_tun = new MemoryTun(_device = new MemoryConnector()))).RunAsync(stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
        await _bus.DeliverAsync("toAgent.eut1.ip.tun.start", ReRouted("eut1", "cccc"));
        Assert.Equal(1, _counters.Drops[DropReason.BadControl]);
        Assert.False(run.IsCompleted);
        refuse = false;
        await _bus.DeliverAsync("toAgent.eut1.ip.tun.start", Encoding.UTF8.GetBytes("""{"ipv6_host": "5"}"""));
        await _bus.WaitForAsync("fromAgent.eut1.ip.tun.started");
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Without_tun_start_the_start_timeout_ends_the_agent_with_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<AgentStartException>(() => Agent("eut1", startTimeout: TimeSpan.FromMilliseconds(100)).RunAsync(CancellationToken.None));
        Assert.Contains("toAgent.eut1.ip.tun.start", error.Message);
        await _bus.WaitForAsync(Topics.ComponentShutdown);
    }

    [Fact]
    public async Task A_failure_to_create_the_interface_ends_the_agent()
    {
        var agent = Agent("agent_1", open: (_, _) => throw new InvalidOperationException("no tun"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => agent.RunAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Packets_flow_both_ways_once_started()
    {
        using var stop = new CancellationTokenSource();
        var run = Agent("agent_1").RunAsync(stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
        _device!.Read(SamplePackets.EchoRequestV6);
        await _bus.WaitForAsync("fromAgent.agent_1.ip.tun.packet.raw");
        await _bus.DeliverAsync("toAgent.agent_1.ip.tun.packet.raw",
            Encoding.UTF8.GetBytes($$"""{"data": [{{string.Join(",", SamplePackets.EchoRequestV4)}}]}"""));
        await Eventually.TrueAsync(() => !_device.Written.IsEmpty);
        Assert.Equal(SamplePackets.EchoRequestV4, _device.Written.Single().Data);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_packet_sent_down_the_moment_the_agent_says_its_interface_is_up_is_written()
    {
        // Whoever waits for "is up" (a user, a script, a test) may send at once: the line comes once the relay takes packets.
        var down = Encoding.UTF8.GetBytes($$"""{"data": [{{string.Join(",", SamplePackets.EchoRequestV4)}}]}""");
        using var stop = new CancellationTokenSource();
        var agent = Agent("agent_1");
        _log!.OnLine = line =>
        {
            if (line.StartsWith("Interface ", StringComparison.Ordinal) && line.Contains(" is up", StringComparison.Ordinal))
                _bus.DeliverAsync("toAgent.agent_1.ip.tun.packet.raw", down).GetAwaiter().GetResult();
        };
        var run = agent.RunAsync(stop.Token);
        Assert.True(await Eventually.TrueAsync(() => _device is { Written.IsEmpty: false } || _counters.Drops.Total > 0));
        Assert.Equal(0, _counters.Drops.Total);
        Assert.Equal(SamplePackets.EchoRequestV4, _device!.Written.Single().Data);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_routers_identify_request_gets_the_announcement_and_the_stats_at_once()
    {
        using var stop = new CancellationTokenSource();
        var run = Agent("agent_4").RunAsync(stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
        await _bus.WaitForAsync("fromAgent.agent_4.stats");
        await _bus.DeliverAsync(Topics.IdentifyRequest, StatsKeys.RequestBody("packetrouting"));
        var again = Json(await _bus.WaitForAsync("fromAgent.agent_4.ip.tun.started", count: 2));
        Assert.Equal("4", again["ipv6_host"]!.GetValue<string>());
        await _bus.WaitForAsync("fromAgent.agent_4.stats", count: 2);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_tun_start_during_start_up_opens_no_second_interface()
    {
        var opening = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var opens = 0;
        using var stop = new CancellationTokenSource();
        var run = Agent("agent_1", open: async (settings, _) =>
        {
            Interlocked.Increment(ref opens);
            opening.TrySetResult();
            await release.Task;
            _device = new MemoryConnector();
            return new MemoryTun(_device);
        }).RunAsync(stop.Token);
        await opening.Task;
        var start = _bus.DeliverAsync("toAgent.agent_1.ip.tun.start", Encoding.UTF8.GetBytes("""{"ipv6_host": "1"}"""));
        release.SetResult();
        await start;
        await _bus.WaitForAsync(Topics.ComponentReady);
        Assert.Equal(1, opens);
        await stop.CancelAsync();
        await run;
        Assert.True(_device!.Disposed);
    }

    [Fact]
    public async Task A_device_that_fails_for_good_ends_the_agent_with_its_error_after_a_goodbye()
    {
        var run = Agent("agent_1").RunAsync(CancellationToken.None);
        await _bus.WaitForAsync(Topics.ComponentReady);
        _device!.Fail(new IOException("tun0 hung up"));
        var error = await Assert.ThrowsAsync<IOException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("tun0 hung up", error.Message);
        await _bus.WaitForAsync(Topics.ComponentShutdown);
        Assert.True(_device.Disposed);
    }

    [Fact]
    public async Task A_start_message_that_is_not_json_is_counted_and_announces_nothing_once_started()
    {
        using var stop = new CancellationTokenSource();
        var run = Agent("agent_1").RunAsync(stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
        await _bus.DeliverAsync("toAgent.agent_1.ip.tun.start", Encoding.UTF8.GetBytes("{not json"));
        Assert.Equal(1, _counters.Drops[DropReason.BadControl]);
        Assert.Single(_bus.BodiesOn("fromAgent.agent_1.ip.tun.started"));
        await stop.CancelAsync();
        await run;
    }

    private static byte[] ReRouted(string name, string prefix, bool noForwarding = false) => Encoding.UTF8.GetBytes(
        $$"""{"name": "{{name}}", "ipv6_prefix": "bbbb", "ipv6_host": "1", "ipv6_no_forwarding": {{(noForwarding ? "true" : "false")}}, "re_route_packets_if": "eth1", "re_route_packets_prefix": "{{prefix}}", "re_route_packets_host": "1"}""");

    [Fact]
    public async Task A_network_another_agent_announces_behind_its_host_is_routed_into_the_tunnel()
    {
        using var stop = new CancellationTokenSource();
        var run = Agent("agent_2").RunAsync(stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
        Assert.Contains(Topics.AllTunStarted, _bus.BoundKeys);
        await _bus.WaitForAsync(Topics.IdentifyRequest); // it asks those that started earlier to say so again

        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.started", ReRouted("agent_1", "cccc"));
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.started", ReRouted("agent_1", "cccc")); // once is enough
        await _bus.DeliverAsync("fromAgent.agent_3.ip.tun.started", ReRouted("agent_3", "dddd", noForwarding: true));
        await _bus.DeliverAsync("fromAgent.agent_2.ip.tun.started", ReRouted("agent_2", "eeee")); // its own
        Assert.Equal([Ipv6Prefix.Parse("cccc")], _tun!.Routes);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Networks_heard_of_before_the_interface_exists_are_routed_when_it_opens()
    {
        using var stop = new CancellationTokenSource();
        var run = Agent("eut1").RunAsync(stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.started", ReRouted("agent_1", "cccc"));
        await _bus.DeliverAsync("toAgent.eut1.ip.tun.start", Encoding.UTF8.GetBytes("""{"ipv6_host": "5"}"""));
        Assert.Equal([Ipv6Prefix.Parse("cccc")], _tun!.Routes);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_re_route_setup_is_announced_with_its_network_and_node()
    {
        using var stop = new CancellationTokenSource();
        var reRoute = new ReRoute("eth1", Ipv6Prefix.Parse("cccc"), Ipv6HostId.Parse("1"));
        var run = Agent("agent_1", new AddressOptions(ReRoute: reRoute)).RunAsync(stop.Token);
        var started = Json(await _bus.WaitForAsync("fromAgent.agent_1.ip.tun.started"));
        Assert.Equal("eth1", started["re_route_packets_if"]!.GetValue<string>());
        Assert.Equal("cccc", started["re_route_packets_prefix"]!.GetValue<string>());
        Assert.Equal("1", started["re_route_packets_host"]!.GetValue<string>());
        Assert.False(started["ipv6_no_forwarding"]!.GetValue<bool>());
        Assert.Equal(reRoute, _opened.Single().ReRoute);
        await stop.CancelAsync();
        await run;
    }
}
