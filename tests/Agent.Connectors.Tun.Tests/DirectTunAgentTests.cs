using System.Text;
using Agent.Core.Drops;
using Agent.Core.Protocol;
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

    [Fact]
    public async Task It_binds_every_agents_uplink_and_says_direct_in_its_announcement()
    {
        using var stop = new CancellationTokenSource();
        var run = Agent("agent_2", direct: true).RunAsync(stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
        Assert.Contains(Topics.AllIpPacketsUp, _bus.BoundKeys);
        Assert.True(Json(_bus.BodiesOn("fromAgent.agent_2.ip.tun.started")[0])["direct"]!.GetValue<bool>());
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
        var toSelf = To(SamplePackets.EchoRequestV6, 1);
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Body(toSelf));
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
