using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Agent.Core.Stats;

namespace Agent.IntegrationTests;

/// <summary>
/// The tunnel end to end: a real broker, our router and two `agent tun` processes, each interface in its own
/// network namespace (issue 2's acceptance).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class TunnelTests(BrokerFixture broker)
{
    private static readonly IPAddress Agent1 = IPAddress.Parse("bbbb::1");

    private static async Task<(int Sent, int Received)> PingAsync(Netns from, params string[] arguments)
    {
        var result = await from.ExecAsync(TimeSpan.FromSeconds(60), "ping", ["-c", "20", "-i", "0.2", "-W", "3", .. arguments]);
        var match = Regex.Match(result.StandardOutput, @"(\d+) packets transmitted, (\d+) received");
        Assert.True(match.Success, result.ToString());
        return (int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value));
    }

    private static void AssertMostReplies((int Sent, int Received) ping, string what) =>
        Assert.True(ping.Received >= ping.Sent * 9 / 10, $"{what}: {ping.Received} of {ping.Sent} replies");

    [Fact]
    public async Task Two_agents_ping_each_other_through_the_router_and_counters_add_up()
    {
        var session = $"tunnel-{Environment.ProcessId}";
        var url = await broker.CreateSessionAsync(session);
        await using var ns1 = await Netns.CreateAsync("agt-n1");
        await using var ns2 = await Netns.CreateAsync("agt-n2");

        await using var router = AgentProcess.Start("router", "router", "--url", url, "--nodes", "agent_1,agent_2");
        await router.WaitForLineAsync("Routing");
        await using var agent1 = AgentProcess.Start("agent_1", "tun", "--url", url, "--name", "agent_1", "--netns", ns1.Name);
        await using var agent2 = AgentProcess.Start("agent_2", "connect", "--url", url, "--name", "agent_2", "--netns", ns2.Name, "--force-bootstrap");
        await agent1.WaitForLineAsync(@"Interface tun\d+ is up");
        await agent2.WaitForLineAsync(@"Interface tun\d+ is up");

        AssertMostReplies(await PingAsync(ns1, "-6", "bbbb::2"), "agent_1 -> bbbb::2");
        AssertMostReplies(await PingAsync(ns1, "10.2.0.2"), "agent_1 -> 10.2.0.2");
        AssertMostReplies(await PingAsync(ns2, "-6", "bbbb::1"), "agent_2 -> bbbb::1");
        AssertMostReplies(await PingAsync(ns2, "10.2.0.1"), "agent_2 -> 10.2.0.1");
        await agent1.WaitForLineAsync(@"up #\d+ \d+ B bbbb::1 -> bbbb::2 ICMPv6 echo-request");
        await agent2.WaitForLineAsync(@"down #\d+ \d+ B 10.2.0.1 -> 10.2.0.2 ICMP echo-request");

        // Stop agent_1 first: after its last uplink, let the router and agent_2 finish what is in flight.
        var (exit1, took1) = await agent1.StopAsync();
        await WaitForDownlinkAsync(url, "agent_2", agent1.Totals().Up);
        var (exit2, _) = await agent2.StopAsync();
        var (exitRouter, _) = await router.StopAsync();
        Assert.Equal(0, exit1);
        Assert.Equal(0, exit2);
        Assert.Equal(0, exitRouter);
        Assert.True(took1 < AgentProcess.QuickStop, $"agent_1 took {took1} to stop");

        var a1 = agent1.Totals();
        var a2 = agent2.Totals();
        var from1 = router.RouterTotals("agent_1", "agent_2");
        var from2 = router.RouterTotals("agent_2", "agent_1");
        Assert.True(a1.Up >= 80, $"agent_1 sent only {a1.Up} packets up");
        Assert.Equal(a1.Up, from1.Received);
        Assert.Equal(from1.Received, from1.Forwarded + from1.Dropped);
        Assert.Equal(from1.Forwarded, a2.Down + a2.Dropped);
        // agent_1 left first, so what agent_2 sent after that is forwarded to a queue that no longer exists.
        Assert.Equal(a2.Up, from2.Received);
        Assert.True(a1.Down + a1.Dropped <= from2.Forwarded, $"agent_1 got {a1.Down}+{a1.Dropped} of {from2.Forwarded}");
        Assert.True(a1.Down >= 80, $"agent_1 received only {a1.Down}");
    }

    /// <summary>
    /// Waits (asking for stats) until <paramref name="agent"/> has taken <paramref name="count"/> packets from the bus,
    /// written or dropped: the last ones may still travel through the router for a while on a busy machine. Gives up
    /// after a generous bound, and the assertions that follow say what is missing.
    /// </summary>
    private static async Task WaitForDownlinkAsync(string url, string agent, long count)
    {
        await using var client = await BusClient.ConnectAsync(url, $"fromAgent.{agent}.stats");
        var deadline = DateTime.UtcNow + BusClient.DefaultTimeout;
        while (DateTime.UtcNow < deadline)
        {
            await client.PublishAsync(StatsKeys.Request, StatsKeys.RequestBody("tunnel test"));
            await Task.Delay(300); // requests closer than 200 ms get one answer
            if (client.Received.Select(r => AgentStats.TryParse(r.Body)).OfType<AgentStats>().LastOrDefault() is { } stats
                && stats.DownPackets + stats.Drops.Values.Sum() >= count)
                return;
        }
    }

    [Fact]
    public async Task The_backend_sees_the_kernel_reply_to_a_hand_built_echo_request()
    {
        var session = $"backend-{Environment.ProcessId}";
        var url = await broker.CreateSessionAsync(session);
        await using var ns = await Netns.CreateAsync("agt-be");
        await using var backend = await BusClient.ConnectAsync(url, "fromAgent.#", "testingtool.#");
        await using var agent = AgentProcess.Start("agent_1", "tun", "--url", url, "--name", "agent_1", "--netns", ns.Name);

        var started = JsonNode.Parse(await backend.WaitForAsync("fromAgent.agent_1.ip.tun.started"))!;
        Assert.Equal("bbbb", started["ipv6_prefix"]!.GetValue<string>());
        Assert.Equal("1", started["ipv6_host"]!.GetValue<string>());
        Assert.Equal("10.2.0.1", started["ipv4_address"]!.GetValue<string>());
        var ready = JsonNode.Parse(await backend.WaitForAsync("testingtool.component.ready"))!;
        Assert.Equal("agent_1", ready["component"]!.GetValue<string>());

        // Garbage first: dropped, counted and logged with its key; the agent keeps running.
        await backend.PublishAsync("toAgent.agent_1.ip.tun.packet.raw", "{this is not json");
        await backend.PublishAsync("toAgent.agent_1.ip.tun.packet.raw", """{"data": [96, 0, 0]}""");
        await agent.WaitForLineAsync(@"Dropped toAgent\.agent_1\.ip\.tun\.packet\.raw: malformed-json");
        await agent.WaitForLineAsync(@"Dropped toAgent\.agent_1\.ip\.tun\.packet\.raw: not-ip-packet");

        var peer = IPAddress.Parse("bbbb::99");
        var request = IcmpPackets.EchoRequestV6(peer, Agent1, 0x4242, 7, "hello from the backend"u8);
        await backend.PublishAsync("toAgent.agent_1.ip.tun.packet.raw", BusClient.PacketJson(request));
        var reply = await backend.WaitForAsync("fromAgent.agent_1.ip.tun.packet.raw",
            body => IcmpPackets.IsEchoReplyTo(BusClient.DataOf(body), peer, Agent1, 0x4242, 7));
        var body = JsonNode.Parse(reply)!;
        Assert.StartsWith("tun", body["interface_name"]!.GetValue<string>());
        Assert.True(body["timestamp"]!.GetValue<double>() > 1.7e9);

        var (exit, took) = await agent.StopAsync();
        Assert.Equal(0, exit);
        Assert.True(took < AgentProcess.QuickStop, $"stopping took {took}");
        var shutdown = JsonNode.Parse(await backend.WaitForAsync("testingtool.component.shutdown"))!;
        Assert.Equal("agent_1", shutdown["component"]!.GetValue<string>());
        Assert.Equal(2, agent.Totals().Dropped);
        var links = await ns.IpAsync("-o", "link", "show");
        Assert.DoesNotContain("tun", links.StandardOutput);
    }
}
