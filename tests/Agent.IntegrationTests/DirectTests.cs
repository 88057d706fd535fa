using System.Text.RegularExpressions;

namespace Agent.IntegrationTests;

/// <summary>
/// Router-less sessions (issue 11): agents with --direct take each other's packets straight from their uplink keys;
/// mixed with a router, nothing arrives twice.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class DirectTests(BrokerFixture broker)
{
    /// <summary>Ten pings: at least nine answered, none twice. Returns how many were sent.</summary>
    private static async Task<int> PingsGoThroughAsync(Netns from, string destination, Func<string>? context = null)
    {
        var result = await from.ExecAsync(TimeSpan.FromSeconds(90), "ping", "-c", "10", "-i", "0.2", "-W", "3", destination);
        var match = Regex.Match(result.StandardOutput, @"(\d+) packets transmitted, (\d+) received");
        Assert.True(match.Success, result.ToString());
        var (sent, received) = (int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value));
        Assert.True(received >= sent * 9 / 10, $"{destination}: {received} of {sent}{context?.Invoke()}");
        Assert.False(result.StandardOutput.Contains("DUP!"), $"{destination}: duplicates");
        return sent;
    }

    /// <summary>The keys bound to one queue, read back from the broker.</summary>
    /// <summary>An <c>agent tun --direct</c> of that name in that namespace, with any further options.</summary>
    private static AgentProcess DirectAgent(string name, string url, Netns ns, params string[] options) =>
        AgentProcess.Start(name, ["tun", "--url", url, "--name", name, "--netns", ns.Name, "--direct", .. options]);

    private async Task<IReadOnlyList<string>> BindingsAsync(string vhost, string queue) =>
        (await broker.CtlAsync("list_bindings", "-p", vhost, "--quiet", "--no-table-headers", "destination_name", "routing_key"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('\t')).Where(f => f.Length == 2 && f[0] == queue).Select(f => f[1]).ToList();

    [Fact]
    public async Task Two_direct_agents_ping_each_other_without_a_router()
    {
        var vhost = $"direct-{Environment.ProcessId}";
        var url = await broker.CreateSessionAsync(vhost);
        await using var ns1 = await Netns.CreateAsync("agt-dr1");
        await using var ns2 = await Netns.CreateAsync("agt-dr2");
        await using var a1 = DirectAgent("agent_1", url, ns1);
        await a1.WaitForLineAsync(@"Interface tun\d+ is up");
        // agent_1 learns agent_2 from its announcement; agent_2 learns agent_1 from what it asks for at start.
        await using var a2 = DirectAgent("agent_2", url, ns2);
        await a2.WaitForLineAsync(@"Interface tun\d+ is up");
        await a1.WaitForLineAsync(@"Taking agent_2's packets from fromAgent\.agent_2\.ip\.tun\.packet\.raw");
        await a2.WaitForLineAsync(@"Taking agent_1's packets from fromAgent\.agent_1\.ip\.tun\.packet\.raw");
        foreach (var (ns, destination) in new[] { (ns1, "bbbb::2"), (ns2, "10.2.0.1") })
            await PingsGoThroughAsync(ns, destination);

        // One key per peer, none for itself: the broker never hands an agent its own packets.
        var bound = await BindingsAsync(vhost, "agent.agent_1");
        Assert.Contains("fromAgent.agent_2.ip.tun.packet.raw", bound);
        Assert.DoesNotContain("fromAgent.*.ip.tun.packet.raw", bound);
        Assert.DoesNotContain("fromAgent.agent_1.ip.tun.packet.raw", bound);

        // A queue deleted under the agent is declared again with the peers it had learnt.
        await broker.CtlAsync("delete_queue", "-p", vhost, "agent.agent_1");
        await a1.WaitForLineAsync("Consuming .* again");
        Assert.Contains("fromAgent.agent_2.ip.tun.packet.raw", await BindingsAsync(vhost, "agent.agent_1"));
        await PingsGoThroughAsync(ns1, "bbbb::2", () => ", after the queue came back");

        Assert.Equal(0, (await a1.StopAsync()).ExitCode);
        Assert.DoesNotContain(a1.Lines, l => Regex.IsMatch(l, @"down #\d+ .* bbbb::1 -> bbbb::2 "));
    }

    [Fact]
    public async Task A_direct_agent_learns_an_original_agent_that_announced_before_it_from_the_router()
    {
        var url = await broker.CreateSessionAsync($"direct-orig-{Environment.ProcessId}");
        await using var ns1 = await Netns.CreateAsync("agt-do1");
        await using var router = AgentProcess.Start("router", "router", "--url", url);
        await router.WaitForLineAsync("Routing");
        await using var original = await OriginalAgent.StartAsync(url, "agent_2", "bbbb", "2"); // announces once, publishes no stats
        await router.WaitForLineAsync("agent_2 owns bbbb::2");
        await using var a1 = DirectAgent("agent_1", url, ns1);
        await a1.WaitForLineAsync(@"Interface tun\d+ is up");
        // Our router sends a direct agent nothing: the replies reach agent_1 only through the key it bound.
        await a1.WaitForLineAsync(@"Taking agent_2's packets from fromAgent\.agent_2\.ip\.tun\.packet\.raw");
        await PingsGoThroughAsync(ns1, "bbbb::2", () => $"; {original.Answered} answered");
    }

    [Fact]
    public async Task Direct_agents_with_no_confirm_publish_unconfirmed_and_count_what_they_wrote()
    {
        var vhost = $"direct-nc-{Environment.ProcessId}";
        var url = await broker.CreateSessionAsync(vhost);
        await using var ns1 = await Netns.CreateAsync("agt-dn1");
        await using var ns2 = await Netns.CreateAsync("agt-dn2");
        await using var a1 = DirectAgent("agent_1", url, ns1, "--no-confirm");
        await using var a2 = DirectAgent("agent_2", url, ns2, "--no-confirm");
        await a1.WaitForLineAsync("Publishing without the broker's confirms");
        await a1.WaitForLineAsync("Taking agent_2's packets");
        await a2.WaitForLineAsync("Taking agent_1's packets");
        var sent = await PingsGoThroughAsync(ns1, "bbbb::2");

        var confirms = await broker.ChannelConfirmsAsync(vhost, "agent tun agent_1");
        Assert.NotEmpty(confirms);
        Assert.All(confirms, confirm => Assert.False(confirm, "a channel of agent_1 asks for publisher confirms"));
        Assert.Equal(0, (await a1.StopAsync()).ExitCode);
        Assert.True(a1.Totals().Up >= sent, a1.Output); // every echo request it wrote counts as up
    }

    [Fact]
    public async Task A_direct_agent_with_a_queue_the_broker_names_still_learns_peers_after_its_connection_was_closed()
    {
        var vhost = $"direct-rc-{Environment.ProcessId}";
        var url = await broker.CreateSessionAsync(vhost);
        await using var ns1 = await Netns.CreateAsync("agt-dc1");
        await using var ns3 = await Netns.CreateAsync("agt-dc3");
        // --force: the queue is the broker's to name, and a new name comes with every reconnect.
        await using var a1 = DirectAgent("agent_1", url, ns1, "--force");
        await a1.WaitForLineAsync(@"Interface tun\d+ is up");
        await broker.CtlAsync("close_all_connections", "-p", vhost, "closed by a test"); // agent_1's, the only one
        await a1.WaitForLineAsync("Reconnected to");

        await using var a3 = DirectAgent("agent_3", url, ns3);
        await a3.WaitForLineAsync(@"Interface tun\d+ is up");
        await a1.WaitForLineAsync(@"Taking agent_3's packets from fromAgent\.agent_3\.ip\.tun\.packet\.raw");
        await PingsGoThroughAsync(ns1, "bbbb::3");
        Assert.DoesNotContain(a1.Lines, l => l.Contains("Could not bind", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_direct_agent_and_a_routed_one_with_a_router_get_nothing_twice()
    {
        var url = await broker.CreateSessionAsync($"mixed-{Environment.ProcessId}");
        await using var ns1 = await Netns.CreateAsync("agt-mx1");
        await using var ns2 = await Netns.CreateAsync("agt-mx2");
        await using var router = AgentProcess.Start("router", "router", "--url", url);
        await router.WaitForLineAsync("Routing");
        await using var a1 = DirectAgent("agent_1", url, ns1);
        await using var a2 = AgentProcess.Start("agent_2", "tun", "--url", url, "--name", "agent_2", "--netns", ns2.Name);
        await a1.WaitForLineAsync(@"Interface tun\d+ is up");
        await a2.WaitForLineAsync(@"Interface tun\d+ is up");
        await router.WaitForLineAsync("agent_1 owns bbbb::1");
        foreach (var (ns, destination) in new[] { (ns1, "bbbb::2"), (ns2, "bbbb::1"), (ns2, "10.2.0.1") })
            await PingsGoThroughAsync(ns, destination);
    }
}
