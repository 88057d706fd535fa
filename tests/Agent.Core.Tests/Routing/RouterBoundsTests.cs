using System.Text;
using Microsoft.Extensions.Time.Testing;
using Agent.Core.Addressing;
using Agent.Core.Protocol;
using Agent.Core.Relay;
using Agent.Core.Routing;
using Agent.Testing;

namespace Agent.Core.Tests.Routing;

/// <summary>What a router learns is bounded (issue 10): junk teaches it nothing, silent agents are forgotten, the table has a size.</summary>
public sealed class RouterBoundsTests
{
    private readonly FakeBus _bus = new();
    private readonly FakeTimeProvider _time = new();
    private CollectingSink _sink = new();

    private async Task<(PacketRouter Router, CancellationTokenSource Stop, Task Run)> StartAsync(RouterOptions options)
    {
        var (log, sink) = CollectingSink.Logger();
        _sink = sink;
        var router = new PacketRouter(_bus, options, log, new PacketLog(log, _time), _time);
        var stop = new CancellationTokenSource();
        var run = router.RunAsync(stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
        return (router, stop, run);
    }

    private Task AnnounceAsync(string name, string host) =>
        _bus.DeliverAsync($"fromAgent.{name}.ip.tun.started",
            new TunConfigMessage(name, "bbbb", host).ToJson());

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Junk_on_agent_keys_teaches_the_router_nothing()
    {
        var (router, stop, run) = await StartAsync(new RouterOptions([]));
        for (var n = 0; n < 50; n++)
        {
            await _bus.DeliverAsync($"fromAgent.junk{n}.stats", Json("{]"));
            await _bus.DeliverAsync($"fromAgent.junk{n}.ip.tun.started", Json("[1, 2]"));
            await _bus.DeliverAsync($"fromAgent.junk{n}.ip.tun.packet.raw", Json("""{"data": "nope"}"""));
            await _bus.DeliverAsync($"fromAgent.junk{n}.stats", Json("""{"name": "someone_else"}"""));
        }
        Assert.Empty(router.Agents);
        Assert.Contains(router.Counters.Lines(), l => l.StartsWith("from no known agent: dropped 50 (malformed-json 50)", StringComparison.Ordinal));
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task An_agent_silent_for_longer_than_forget_after_is_forgotten_with_its_addresses()
    {
        var (router, stop, run) = await StartAsync(new RouterOptions([AgentName.Parse("agent_1")], ForgetAfter: TimeSpan.FromSeconds(20)));
        await AnnounceAsync("coap_server", "5");
        Assert.Contains("coap_server", router.Agents);
        for (var i = 0; i < 6 && router.Agents.Contains("coap_server"); i++)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(20);
        }
        Assert.Equal(["agent_1"], router.Agents); // given ones stay
        Assert.Contains(_sink.Lines, l => l.Contains("Forgot agent coap_server"));
        // Its address went with it: a unicast to bbbb::5 now follows the plan, to agent_5.
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Json(
            $$"""{"data": [{{string.Join(",", (byte[])[0x60, 0, 0, 0, 0, 0, 59, 64, .. System.Net.IPAddress.Parse("bbbb::1").GetAddressBytes(), .. System.Net.IPAddress.Parse("bbbb::5").GetAddressBytes()])}}]}"""));
        Assert.Empty(_bus.BodiesOn("toAgent.coap_server.ip.tun.packet.raw"));
        Assert.Single(_bus.BodiesOn("toAgent.agent_5.ip.tun.packet.raw"));
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task No_more_than_max_agents_are_learnt_and_the_bound_is_said()
    {
        var (router, stop, run) = await StartAsync(new RouterOptions([], MaxAgents: 2));
        await AnnounceAsync("agent_1", "1");
        await AnnounceAsync("agent_2", "2");
        await AnnounceAsync("agent_3", "3");
        await AnnounceAsync("agent_4", "4");
        Assert.Equal(["agent_1", "agent_2"], router.Agents);
        Assert.Single(_sink.Lines, l => l.Contains("(--max-agents)"));
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_router_less_agent_gets_nothing_from_the_router_since_it_takes_the_packets_itself()
    {
        var (router, stop, run) = await StartAsync(new RouterOptions([]));
        await AnnounceAsync("agent_1", "1");
        await _bus.DeliverAsync("fromAgent.agent_2.ip.tun.started",
            Json("""{"name": "agent_2", "ipv6_prefix": "bbbb", "ipv6_host": "2", "direct": true}"""));
        await _bus.DeliverAsync("fromAgent.agent_3.ip.tun.started", new TunConfigMessage("agent_3", "bbbb", "3").ToJson());
        byte[] Packet(string to) => Json($$"""{"data": [{{string.Join(",", (byte[])[0x60, 0, 0, 0, 0, 0, 59, 64,
            .. System.Net.IPAddress.Parse("bbbb::1").GetAddressBytes(), .. System.Net.IPAddress.Parse(to).GetAddressBytes()])}}]}""");
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet("bbbb::2")); // unicast to the direct one
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet("ff02::1")); // fan-out
        Assert.Empty(_bus.BodiesOn("toAgent.agent_2.ip.tun.packet.raw"));
        Assert.Single(_bus.BodiesOn("toAgent.agent_3.ip.tun.packet.raw"));
        Assert.Equal(2, _bus.BodiesOn("toAgent.agent_TT.ip.tun.packet.raw").Count);
        await stop.CancelAsync();
        await run;
    }
}
