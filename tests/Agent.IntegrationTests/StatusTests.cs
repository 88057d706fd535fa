using System.Text.RegularExpressions;

namespace Agent.IntegrationTests;

/// <summary>
/// <c>agent status</c> against a real broker: it asks for fresh stats, so an agent with a long --stats-interval shows
/// up with its counters at once, and a router's <c>router.stats</c> becomes the router line.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class StatusTests(BrokerFixture broker)
{
    private const string RouterStatsJson = """
        {"_api_version": "1.2.15", "component": "packetrouting", "replica": "it-1", "uptime_s": 12, "agents": ["agent_1"],
         "traffic": {"agent_1": {"received": 3, "forwarded": 6, "dropped": 0}}, "timestamp": 1700000000.5}
        """;

    [Fact]
    public async Task Status_lists_a_tun_agent_that_answers_the_request_and_the_router_line()
    {
        var url = await broker.CreateSessionAsync($"status-{Environment.ProcessId}");
        await using var ns = await Netns.CreateAsync("agt-st");
        await using var backend = await BusClient.ConnectAsync(url, "agents.stats.request", "fromAgent.agent_1.stats");
        // A 60 s interval: within the test, only the request can make it publish its stats again.
        await using var agent = AgentProcess.Start("agent_1", "tun", "--url", url, "--name", "agent_1", "--netns", ns.Name, "--stats-interval", "60");
        await agent.WaitForLineAsync(@"Interface tun\d+ is up");
        await backend.WaitForAsync("fromAgent.agent_1.stats"); // the one at start, gone before status listens

        await using var status = AgentProcess.Start("status", "status", "--url", url, "--wait", "3");
        await backend.WaitForAsync("agents.stats.request"); // status is bound now: what we publish reaches it
        await backend.PublishAsync("router.stats", RouterStatsJson);
        var exit = await status.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exit == 0, status.Output);
        Assert.Equal(2, backend.Received.Count(r => r.Key == "fromAgent.agent_1.stats"));
        Assert.Contains(status.Lines, l => Regex.IsMatch(l, @"^NAME\s+KIND\s+ADDRESSES\s+SEEN"));
        var row = Assert.Single(status.Lines, l => l.StartsWith("agent_1 ", StringComparison.Ordinal));
        Assert.Matches(@"^agent_1\s+tun\s+bbbb::1/64 fe80::1/64 10\.2\.0\.1/24\s+\ds ago\s+\d+\s+\d+\s+\d+\s+\d+\s+0\s+\d+s\s+\d+", row);
        Assert.Contains(status.Lines, l => Regex.IsMatch(l, @"^Router packetrouting it-1: \ds ago, up 12s, agents agent_1$"));
        Assert.Contains("  agent_1: received 3, forwarded 6, dropped 0", status.Lines);
        // stdout holds the table only: the bus's own lines would go to stderr, and only from warnings up.
        Assert.DoesNotContain(status.Lines, l => l.Contains("Connected to", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Status_of_an_empty_session_says_so_and_exits_0()
    {
        var url = await broker.CreateSessionAsync($"status-empty-{Environment.ProcessId}");
        await using var status = AgentProcess.Start("status", "status", "--url", url, "--wait", "1");
        var exit = await status.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exit == 0, status.Output);
        Assert.Contains("No agents seen: none answered agents.stats.request or announced itself.", status.Lines);
        Assert.Contains("No router seen (router.stats).", status.Lines);
    }

    [Fact]
    public async Task Status_watch_prints_a_new_table_each_second_until_stopped()
    {
        var url = await broker.CreateSessionAsync($"status-watch-{Environment.ProcessId}");
        await using var backend = await BusClient.ConnectAsync(url, "agents.stats.request");
        await using var status = AgentProcess.Start("status", "status", "--url", url, "--wait", "1", "--watch");
        await status.WaitForLineAsync("^No agents seen");

        // An agent that appears later is in a later table; a pipe gets new tables, never screen-clearing escapes.
        await backend.PublishAsync("fromAgent.agent_7.stats",
            """{"_api_version": "1.2.15", "name": "agent_7", "kind": "serial", "addresses": ["bbbb::7"], "up_packets": 4}""");
        await status.WaitForLineAsync(@"^agent_7\s+serial\s+bbbb::7\s+\ds ago\s+4\s");
        var (exit, took) = await status.StopAsync();

        Assert.True(exit == 0, status.Output);
        Assert.True(took < AgentProcess.QuickStop, $"stopping took {took}");
        Assert.True(status.Lines.Count(l => l.StartsWith("Session amqp://guest:***@localhost", StringComparison.Ordinal)) >= 2, status.Output);
        Assert.True(backend.Received.Count(r => r.Key == "agents.stats.request") >= 2, "--watch asks again each refresh");
        Assert.DoesNotContain('\u001b', status.Output);
    }
}
