using System.Net;
using System.Text.RegularExpressions;

namespace Agent.IntegrationTests;

/// <summary>The router at session scale: address-aware delivery among six agents, and replicas that survive a kill (issue 4).</summary>
[Collection(SystemCollection.Name)]
public sealed class RouterTests(BrokerFixture broker)
{
    private static (int Sent, int Received, bool Duplicates) ParsePing(CommandResult result)
    {
        var match = Regex.Match(result.StandardOutput, @"(\d+) packets transmitted, (\d+) received");
        Assert.True(match.Success, result.ToString());
        return (int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value), result.StandardOutput.Contains("DUP!"));
    }

    [Fact]
    public async Task With_six_agents_a_unicast_ping_reaches_only_its_target()
    {
        var url = await broker.CreateSessionAsync($"six-{Environment.ProcessId}");
        var names = Enumerable.Range(1, 6).Select(n => $"agent_{n}").ToList();
        var namespaces = new List<Netns>();
        var agents = new List<AgentProcess>();
        // Seeded with all six, so that every early multicast reaches every agent and the counts compare exactly.
        await using var router = AgentProcess.Start("router", "router", "--url", url, "--nodes", string.Join(',', names));
        try
        {
            await router.WaitForLineAsync("Routing");
            foreach (var name in names)
            {
                var ns = await Netns.CreateAsync($"agt-6{name[^1]}");
                namespaces.Add(ns);
                agents.Add(AgentProcess.Start(name, "tun", "--url", url, "--name", name, "--netns", ns.Name));
            }
            foreach (var name in names) await router.WaitForLineAsync($"{name} owns bbbb::{name[^1]}");

            var ping = ParsePing(await namespaces[0].ExecAsync(TimeSpan.FromSeconds(60), "ping", "-6", "-c", "10", "-i", "0.2", "-W", "3", "bbbb::4"));
            Assert.True(ping.Received >= 9, $"{ping.Received} of {ping.Sent}");

            foreach (var agent in agents) Assert.Equal(0, (await agent.StopAsync()).ExitCode);
            Assert.Equal(0, (await router.StopAsync()).ExitCode);

            var received = router.RouterTotals("agent_1", "agent_2").Received;
            var toOthers = new[] { 2, 3, 5, 6 }.Select(n => router.RouterTotals("agent_1", $"agent_{n}").Forwarded).ToList();
            var toTarget = router.RouterTotals("agent_1", "agent_4").Forwarded;
            // Multicast (the kernel's MLD and router solicitations) fans out to all; the pings go to agent_4 alone.
            Assert.All(toOthers, count => Assert.Equal(toOthers[0], count));
            Assert.True(toTarget - toOthers[0] >= 10, $"agent_4 got {toTarget}, the others {toOthers[0]}");
            Assert.Equal(received, toTarget);
            foreach (var other in new[] { 1, 2, 4, 5 }.Select(i => agents[i]))
                Assert.DoesNotContain(other.Lines, l => l.Contains("echo-request") && l.Contains(" down "));
            Assert.Contains(agents[3].Lines, l => Regex.IsMatch(l, @"down #\d+ \d+ B bbbb::1 -> bbbb::4 ICMPv6 echo-request"));
        }
        finally
        {
            foreach (var agent in agents) await agent.DisposeAsync();
            foreach (var ns in namespaces) await ns.DisposeAsync();
        }
    }

    [Fact]
    public async Task Two_replicas_share_the_work_and_a_killed_one_costs_no_duplicate()
    {
        var url = await broker.CreateSessionAsync($"replicas-{Environment.ProcessId}");
        await using var ns1 = await Netns.CreateAsync("agt-rp1");
        await using var ns2 = await Netns.CreateAsync("agt-rp2");
        await using var replicaA = AgentProcess.Start("router A", "router", "--url", url);
        await using var replicaB = AgentProcess.Start("router B", "router", "--url", url);
        await replicaA.WaitForLineAsync("Routing");
        await replicaB.WaitForLineAsync("Routing");
        await using var agent1 = AgentProcess.Start("agent_1", "tun", "--url", url, "--name", "agent_1", "--netns", ns1.Name);
        await using var agent2 = AgentProcess.Start("agent_2", "tun", "--url", url, "--name", "agent_2", "--netns", ns2.Name);
        foreach (var replica in new[] { replicaA, replicaB })
        {
            // Each replica has its own announcement queue: both hold the whole address table.
            await replica.WaitForLineAsync("agent_1 owns bbbb::1");
            await replica.WaitForLineAsync("agent_2 owns bbbb::2");
        }

        var pinging = ns1.ExecAsync(TimeSpan.FromSeconds(60), "ping", "-6", "-c", "300", "-i", "0.02", "-W", "3", "bbbb::2");
        await Task.Delay(2500);
        replicaA.Kill();
        var ping = ParsePing(await pinging);

        Assert.False(ping.Duplicates, "ping saw a duplicate reply");
        Assert.True(ping.Received >= 280, $"{ping.Received} of {ping.Sent} replies");
        Assert.Equal(0, (await replicaB.StopAsync()).ExitCode);
        var carried = replicaB.RouterTotals("agent_1", "agent_2").Forwarded;
        Assert.True(carried >= 100, $"the surviving replica forwarded only {carried} of agent_1's packets");
    }

    [Fact]
    public async Task One_router_process_routes_two_sessions_each_apart()
    {
        string[] vhosts = [$"multi-a-{Environment.ProcessId}", $"multi-b-{Environment.ProcessId}"];
        foreach (var vhost in vhosts) await broker.CreateSessionAsync(vhost);
        await using var router = AgentProcess.Start("router", "router", "--url", broker.UrlFor("/"), "--vhost", vhosts[0], "--vhost", vhosts[1],
            "--nodes", "agent_1,agent_2", "--no-tt");
        foreach (var vhost in vhosts) await router.WaitForLineAsync($@"\[{vhost}\] Routing");
        await using var sessionA = await BusClient.ConnectAsync(broker.UrlFor(vhosts[0]), "toAgent.#");
        await using var sessionB = await BusClient.ConnectAsync(broker.UrlFor(vhosts[1]), "toAgent.#");
        var (one, two) = (IPAddress.Parse("bbbb::1"), IPAddress.Parse("bbbb::2"));
        var packetA = IcmpPackets.EchoRequestV6(one, two, 1, 1, "session A"u8);
        var packetB = IcmpPackets.EchoRequestV6(one, two, 1, 2, "session B"u8);
        await sessionA.PublishAsync("fromAgent.agent_1.ip.tun.packet.raw", BusClient.PacketJson(packetA));
        await sessionB.PublishAsync("fromAgent.agent_1.ip.tun.packet.raw", BusClient.PacketJson(packetB));

        const string toAgent2 = "toAgent.agent_2.ip.tun.packet.raw";
        Assert.Equal(packetA, BusClient.DataOf(await sessionA.WaitForAsync(toAgent2)));
        Assert.Equal(packetB, BusClient.DataOf(await sessionB.WaitForAsync(toAgent2)));
        Assert.Equal(0, (await router.StopAsync()).ExitCode);
        Assert.Single(sessionA.Received, r => r.Key == toAgent2);
        Assert.Single(sessionB.Received, r => r.Key == toAgent2);
        foreach (var vhost in vhosts) Assert.Contains(router.Lines, l => l.Contains($"[{vhost}] Counters from agent_1: received 1, forwarded agent_2 1"));
    }
}
