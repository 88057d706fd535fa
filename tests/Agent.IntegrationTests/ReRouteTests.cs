using System.Globalization;
using System.Text.RegularExpressions;

namespace Agent.IntegrationTests;

/// <summary>
/// The v0.1 re-route setup with real namespaces (issue 9): a network cccc::/64 behind agent_1's host (a third namespace
/// on a veth pair, standing in for a border router's WSN) is reached by ping from agent_2 through agent_1 and the
/// router, and the replies come back; nobody adds a route by hand, and agent_1 undoes its routes and forwarding on stop.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ReRouteTests(BrokerFixture broker)
{
    private static async Task<(int Sent, int Received)> PingAsync(Netns from, string destination)
    {
        var result = await from.ExecAsync(TimeSpan.FromSeconds(60), "ping", "-6", "-c", "10", "-i", "0.2", "-W", "3", destination);
        var match = Regex.Match(result.StandardOutput, @"(\d+) packets transmitted, (\d+) received");
        Assert.True(match.Success, result.ToString());
        return (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_network_behind_an_agent_is_reached_from_another_agent_and_the_setup_is_undone_on_stop()
    {
        var url = await broker.CreateSessionAsync($"reroute-{Environment.ProcessId}");
        await using var ns1 = await Netns.CreateAsync("agt-rr1");
        await using var ns2 = await Netns.CreateAsync("agt-rr2");
        await using var wsn = await Netns.CreateAsync("agt-rrw");
        var (inside, outside) = ($"rra{Environment.ProcessId % 100000}", $"rrb{Environment.ProcessId % 100000}");
        (await Command.RunAsync("ip", "link", "add", inside, "type", "veth", "peer", "name", outside)).EnsureSuccess();
        (await Command.RunAsync("ip", "link", "set", inside, "netns", ns1.Name)).EnsureSuccess();
        (await Command.RunAsync("ip", "link", "set", outside, "netns", wsn.Name)).EnsureSuccess();
        // agent_1's host: only a link-local address towards the network, so the route there is the agent's alone.
        (await ns1.IpAsync("link", "set", inside, "up")).EnsureSuccess();
        (await ns1.IpAsync("-6", "addr", "add", "fe80::a/64", "dev", inside, "nodad")).EnsureSuccess();
        // The network behind it: two nodes, and the way back to the session through agent_1's host.
        (await wsn.IpAsync("link", "set", outside, "up")).EnsureSuccess();
        (await wsn.IpAsync("-6", "addr", "add", "cccc::1/64", "dev", outside, "nodad")).EnsureSuccess();
        (await wsn.IpAsync("-6", "addr", "add", "cccc::2/64", "dev", outside, "nodad")).EnsureSuccess();
        (await wsn.IpAsync("-6", "route", "add", "bbbb::/64", "via", "fe80::a", "dev", outside)).EnsureSuccess();
        Assert.Equal("0", (await ns1.ExecAsync("sysctl", "-n", "net.ipv6.conf.all.forwarding")).EnsureSuccess().StandardOutput.Trim());

        await using var router = AgentProcess.Start("router", "router", "--url", url);
        await router.WaitForLineAsync("Routing");
        await using var agent2 = AgentProcess.Start("agent_2", "tun", "--url", url, "--name", "agent_2", "--netns", ns2.Name);
        await agent2.WaitForLineAsync(@"Interface tun\d+ is up");
        await using var agent1 = AgentProcess.Start("agent_1", "tun", "--url", url, "--name", "agent_1", "--netns", ns1.Name,
            "--re-route-packets-if", inside, "--re-route-packets-prefix", "cccc", "--re-route-packets-host", "1");
        await agent1.WaitForLineAsync(@"Interface tun\d+ is up");
        await agent1.WaitForLineAsync("Routing cccc::/64 out of " + inside);
        await agent2.WaitForLineAsync(@"Routing cccc::/64 into tun\d+: agent_1 announced it");
        await router.WaitForLineAsync("agent_1 owns .*cccc::1");
        Assert.Equal("1", (await ns1.ExecAsync("sysctl", "-n", "net.ipv6.conf.all.forwarding")).EnsureSuccess().StandardOutput.Trim());

        foreach (var node in new[] { "cccc::1", "cccc::2" })
        {
            var (sent, received) = await PingAsync(ns2, node);
            Assert.True(received >= sent * 8 / 10, $"{node}: {received} of {sent}\n{agent1.Output}");
        }
        await agent1.WaitForLineAsync(@"down #\d+ \d+ B bbbb::2 -> cccc::2 ICMPv6 echo-request");
        await agent1.WaitForLineAsync(@"up #\d+ \d+ B cccc::2 -> bbbb::2 ICMPv6 echo-reply");

        Assert.Equal(0, (await agent1.StopAsync()).ExitCode);
        var routes = (await ns1.IpAsync("-6", "route", "show")).EnsureSuccess().StandardOutput;
        Assert.DoesNotContain("cccc::/64", routes);
        Assert.Equal("0", (await ns1.ExecAsync("sysctl", "-n", "net.ipv6.conf.all.forwarding")).EnsureSuccess().StandardOutput.Trim());
        Assert.Equal(0, (await agent2.StopAsync()).ExitCode);
    }
}
