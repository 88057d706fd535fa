using System.Text.RegularExpressions;

namespace Agent.IntegrationTests;

/// <summary>
/// Router-less sessions (issue 11): agents with --direct take each other's packets straight from their uplink keys;
/// mixed with a router, nothing arrives twice.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class DirectTests(BrokerFixture broker)
{
    private static async Task<(int Sent, int Received, bool Duplicates)> PingAsync(Netns from, string destination)
    {
        var result = await from.ExecAsync(TimeSpan.FromSeconds(90), "ping", "-c", "10", "-i", "0.2", "-W", "3", destination);
        var match = Regex.Match(result.StandardOutput, @"(\d+) packets transmitted, (\d+) received");
        Assert.True(match.Success, result.ToString());
        return (int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value), result.StandardOutput.Contains("DUP!"));
    }

    [Fact]
    public async Task Two_direct_agents_ping_each_other_without_a_router()
    {
        var url = await broker.CreateSessionAsync($"direct-{Environment.ProcessId}");
        await using var ns1 = await Netns.CreateAsync("agt-dr1");
        await using var ns2 = await Netns.CreateAsync("agt-dr2");
        await using var a1 = AgentProcess.Start("agent_1", "tun", "--url", url, "--name", "agent_1", "--netns", ns1.Name, "--direct");
        await using var a2 = AgentProcess.Start("agent_2", "tun", "--url", url, "--name", "agent_2", "--netns", ns2.Name, "--direct");
        await a1.WaitForLineAsync(@"Interface tun\d+ is up");
        await a2.WaitForLineAsync(@"Interface tun\d+ is up");
        foreach (var (ns, destination) in new[] { (ns1, "bbbb::2"), (ns2, "10.2.0.1") })
        {
            var (sent, received, duplicates) = await PingAsync(ns, destination);
            Assert.True(received >= sent * 9 / 10, $"{destination}: {received} of {sent}");
            Assert.False(duplicates);
        }
        Assert.Equal(0, (await a1.StopAsync()).ExitCode);
        // What went to agent_2 was agent_2's to take; nothing of agent_1's own came back down to it.
        Assert.DoesNotContain(a1.Lines, l => Regex.IsMatch(l, @"down #\d+ .* bbbb::1 -> bbbb::2 "));
    }

    [Fact]
    public async Task A_direct_agent_and_a_routed_one_with_a_router_get_nothing_twice()
    {
        var url = await broker.CreateSessionAsync($"mixed-{Environment.ProcessId}");
        await using var ns1 = await Netns.CreateAsync("agt-mx1");
        await using var ns2 = await Netns.CreateAsync("agt-mx2");
        await using var router = AgentProcess.Start("router", "router", "--url", url);
        await router.WaitForLineAsync("Routing");
        await using var a1 = AgentProcess.Start("agent_1", "tun", "--url", url, "--name", "agent_1", "--netns", ns1.Name, "--direct");
        await using var a2 = AgentProcess.Start("agent_2", "tun", "--url", url, "--name", "agent_2", "--netns", ns2.Name);
        await a1.WaitForLineAsync(@"Interface tun\d+ is up");
        await a2.WaitForLineAsync(@"Interface tun\d+ is up");
        await router.WaitForLineAsync("agent_1 owns bbbb::1");
        foreach (var (ns, destination) in new[] { (ns1, "bbbb::2"), (ns2, "bbbb::1"), (ns2, "10.2.0.1") })
        {
            var (sent, received, duplicates) = await PingAsync(ns, destination);
            Assert.True(received >= sent * 9 / 10, $"{destination}: {received} of {sent}");
            Assert.False(duplicates, $"{destination}: duplicates");
        }
    }
}
