using System.Text;
using Agent.Core.Drops;
using Agent.Core.Protocol;
using Agent.Core.Stats;
using Agent.Testing;

namespace Agent.Connectors.Tun.Tests;

/// <summary>A router-less TUN agent (--direct): it takes the packets for its addresses from the other agents' uplink keys.</summary>
public sealed class DirectTunAgentTests : TunAgentHarness
{
    private static byte[] Body(byte[] packet) => Encoding.UTF8.GetBytes($$"""{"data": [{{string.Join(",", packet)}}]}""");

    private static byte[] To(byte[] packet, byte lastByte)
    {
        var copy = (byte[])packet.Clone();
        copy[copy[0] >> 4 == 6 ? 39 : 19] = lastByte;
        return copy;
    }

    private async Task WaitWrittenAsync(int count)
    {
        for (var i = 0; i < 1000 && _device!.Written.Count < count; i++) await Task.Delay(10);
    }

    /// <summary>Teaches the agent a peer as our agents' stats do, and waits until it has bound the peer's uplink.</summary>
    private async Task LearnAsync(string peer)
    {
        await _bus.DeliverAsync($"fromAgent.{peer}.stats", Encoding.UTF8.GetBytes($$"""{"name": "{{peer}}"}"""));
        Assert.True(await Eventually.TrueAsync(() => _bus.BoundKeys.Contains($"fromAgent.{peer}.ip.tun.packet.raw")), string.Join(", ", _bus.BoundKeys));
    }

    [Fact]
    public async Task It_says_direct_in_its_announcement_and_asks_who_is_there()
    {
        using var stop = new CancellationTokenSource();
        var run = Agent("agent_2", direct: true).RunAsync(stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
        Assert.True(Json(_bus.BodiesOn("fromAgent.agent_2.ip.tun.started")[0])["direct"]!.GetValue<bool>());
        await _bus.WaitForAsync(StatsKeys.Request); // every agent answers with its stats, every router with its agents
        _bus.Reconnect();
        await _bus.WaitForAsync(StatsKeys.Request, 2); // and again after a reconnect: peers may have come meanwhile
        Assert.Contains(StatsKeys.AllAgents, _bus.BoundKeys);
        Assert.Contains(StatsKeys.Router, _bus.BoundKeys);
        Assert.Contains(Topics.AllTunStarted, _bus.BoundKeys);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task It_binds_each_peers_uplink_as_it_learns_the_peer_never_its_own_nor_every_agents()
    {
        using var stop = new CancellationTokenSource();
        var run = Agent("agent_2", direct: true).RunAsync(stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
        Assert.DoesNotContain(_bus.BoundKeys, k => k.EndsWith(".ip.tun.packet.raw", StringComparison.Ordinal) && k.StartsWith("fromAgent.", StringComparison.Ordinal));

        await LearnAsync("agent_1"); // its stats
        await _bus.DeliverAsync("router.stats", Encoding.UTF8.GetBytes("""{"agents": ["agent_2", "agent_3", "bad.name", 7]}"""));
        await _bus.DeliverAsync("fromAgent.agent_4.ip.tun.started", Encoding.UTF8.GetBytes("""{"ipv6_prefix": "bbbb", "ipv6_host": "4"}"""));
        await _bus.DeliverAsync("fromAgent.agent_5.stats", Encoding.UTF8.GetBytes("not json")); // teaches nothing
        await _bus.DeliverAsync("fromAgent.agent_6.stats", Encoding.UTF8.GetBytes("""{"name": "agent_7"}""")); // names disagree
        await _bus.DeliverAsync("fromAgent.agent_2.stats", Encoding.UTF8.GetBytes("""{"name": "agent_2"}""")); // its own
        await _bus.DeliverAsync("fromAgent.agent_1.stats", Encoding.UTF8.GetBytes("""{"name": "agent_1"}""")); // again
        Assert.True(await Eventually.TrueAsync(() => _bus.BoundKeys.Contains("fromAgent.agent_4.ip.tun.packet.raw")));

        var uplinks = _bus.BoundKeys.Where(k => k.StartsWith("fromAgent.", StringComparison.Ordinal) && k.EndsWith(".ip.tun.packet.raw", StringComparison.Ordinal));
        Assert.Equal(["fromAgent.agent_1.ip.tun.packet.raw", "fromAgent.agent_3.ip.tun.packet.raw", "fromAgent.agent_4.ip.tun.packet.raw"],
            uplinks.Order(StringComparer.Ordinal));
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Without_direct_it_binds_no_other_agents_uplink_and_announces_as_the_original()
    {
        using var stop = new CancellationTokenSource();
        var run = Agent("agent_2").RunAsync(stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
        Assert.DoesNotContain(Topics.AllIpPacketsUp, _bus.BoundKeys);
        Assert.DoesNotContain(StatsKeys.Router, _bus.BoundKeys);
        Assert.Empty(_bus.BodiesOn(StatsKeys.Request));
        Assert.Null(Json(_bus.BodiesOn("fromAgent.agent_2.ip.tun.started")[0])["direct"]);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Packets_for_its_addresses_and_groups_go_down_the_rest_are_counted_quietly()
    {
        using var stop = new CancellationTokenSource();
        var run = Agent("agent_2", direct: true).RunAsync(stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
        await LearnAsync("agent_1");
        const string peer = "fromAgent.agent_1.ip.tun.packet.raw";

        await _bus.DeliverAsync(peer, Body(SamplePackets.EchoRequestV6)); // bbbb::2: ours
        await _bus.DeliverAsync(peer, Body(SamplePackets.EchoRequestV4)); // 10.2.0.2: ours
        await _bus.DeliverAsync(peer, Body(To(SamplePackets.EchoRequestV6, 3))); // bbbb::3: agent_3's
        await _bus.DeliverAsync(peer, Body(To(SamplePackets.EchoRequestV4, 3))); // 10.2.0.3: agent_3's
        var allNodes = To(SamplePackets.EchoRequestV6, 1);
        allNodes[24] = 0xFF;
        allNodes[25] = 0x02;
        Array.Clear(allNodes, 26, 13); // ff02::1
        await _bus.DeliverAsync(peer, Body(allNodes));
        await _bus.DeliverAsync(peer, Body(To(SamplePackets.EchoRequestV4, 255))); // 10.2.0.255: the broadcast
        await WaitWrittenAsync(4);

        Assert.Equal([SamplePackets.EchoRequestV6, SamplePackets.EchoRequestV4, allNodes, To(SamplePackets.EchoRequestV4, 255)],
            _device!.Written.Select(w => w.Data));
        Assert.Equal(2, _counters.Drops[DropReason.NotForThisAgent]);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Its_own_uplink_is_not_written_back_into_its_interface()
    {
        using var stop = new CancellationTokenSource();
        var run = Agent("agent_1", direct: true).RunAsync(stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
        await LearnAsync("agent_2");
        var toSelf = To(SamplePackets.EchoRequestV6, 1);
        Assert.DoesNotContain("fromAgent.agent_1.ip.tun.packet.raw", _bus.BoundKeys);
        await _bus.DeliverToAllAsync("fromAgent.agent_1.ip.tun.packet.raw", Body(toSelf)); // not bound: the guard behind it
        await _bus.DeliverAsync("fromAgent.agent_2.ip.tun.packet.raw", Body(toSelf));
        await WaitWrittenAsync(1);
        Assert.Equal([toSelf], _device!.Written.Select(w => w.Data));
        Assert.Equal(0, _counters.Drops[DropReason.NotForThisAgent]);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_routers_downlink_still_reaches_a_direct_agent()
    {
        using var stop = new CancellationTokenSource();
        var run = Agent("agent_2", direct: true).RunAsync(stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
        var other = To(SamplePackets.EchoRequestV6, 9); // not its address: the backend chose to send it
        await _bus.DeliverAsync("toAgent.agent_2.ip.tun.packet.raw", Body(other));
        await WaitWrittenAsync(1);
        Assert.Equal([other], _device!.Written.Select(w => w.Data));
        await stop.CancelAsync();
        await run;
    }
}
