using System.Globalization;
using System.Text.RegularExpressions;

namespace Agent.IntegrationTests;

/// <summary>
/// Fidelity with the ioppytest platform (issue 9): a router started after the agents reaches them at once, an original
/// agent (it announced once and never speaks again) is reached by the addressing plan and shows in <c>agent status</c>,
/// and its whole-second timestamps never put a capture out of order.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class FidelityTests(BrokerFixture broker)
{
    /// <summary>Ten pings in the two seconds after the router said it routes; how many came back (replies may take longer).</summary>
    private static async Task<int> RepliesToEarlyPingsAsync(Netns from, string destination)
    {
        var result = await from.ExecAsync(TimeSpan.FromSeconds(60), "ping", "-6", "-c", "10", "-i", "0.2", "-W", "5", destination);
        var match = Regex.Match(result.StandardOutput, @"(\d+) packets transmitted, (\d+) received");
        Assert.True(match.Success, result.ToString());
        return int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_router_started_after_our_agents_reaches_them_at_once()
    {
        var url = await broker.CreateSessionAsync($"late-router-{Environment.ProcessId}");
        await using var ns1 = await Netns.CreateAsync("agt-lr1");
        await using var ns2 = await Netns.CreateAsync("agt-lr2");
        await using var backend = await BusClient.ConnectAsync(url, "fromAgent.#");
        // Names outside the plan: only what the agents say tells the router who owns bbbb::5.
        await using var client = AgentProcess.Start("coap_client", "tun", "--url", url, "--name", "coap_client", "--netns", ns1.Name,
            "--ipv6-prefix", "bbbb", "--ipv6-host", "4", "--ipv4-address", "10.2.0.4/24");
        await using var server = AgentProcess.Start("coap_server", "tun", "--url", url, "--name", "coap_server", "--netns", ns2.Name,
            "--ipv6-prefix", "bbbb", "--ipv6-host", "5", "--ipv4-address", "10.2.0.5/24");
        await client.WaitForLineAsync(@"Interface tun\d+ is up");
        await server.WaitForLineAsync(@"Interface tun\d+ is up");

        await using var router = AgentProcess.Start("router", "router", "--url", url);
        await router.WaitForLineAsync("Routing");
        Assert.True(await RepliesToEarlyPingsAsync(ns1, "bbbb::5") >= 1, router.Output);
        await router.WaitForLineAsync("coap_server owns bbbb::5");

        // Bodies go out as the original's kombu producer sends them: JSON in UTF-8.
        var announcements = backend.Properties.Where(p => p.Key.EndsWith(".ip.tun.started", StringComparison.Ordinal)
            || p.Key.EndsWith(".ip.tun.packet.raw", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(announcements);
        Assert.All(announcements, p => Assert.Equal(("application/json", "utf-8"), (p.ContentType, p.ContentEncoding)));
    }

    [Fact]
    public async Task An_original_agent_is_reached_by_the_plan_listed_by_status_and_captured_in_order()
    {
        var url = await broker.CreateSessionAsync($"original-{Environment.ProcessId}");
        var capturePath = Path.Combine(Path.GetTempPath(), $"original-{Environment.ProcessId}.pcapng");
        File.Delete(capturePath);
        await using var ns1 = await Netns.CreateAsync("agt-or1");
        await using var original = await OriginalAgent.StartAsync(url, "agent_2", "bbbb", "2"); // before anyone listens
        await using var agent1 = AgentProcess.Start("agent_1", "tun", "--url", url, "--name", "agent_1", "--netns", ns1.Name);
        await agent1.WaitForLineAsync(@"Interface tun\d+ is up");
        await using var capture = AgentProcess.Start("capture", "capture", "--url", url, "--write", capturePath);
        await capture.WaitForLineAsync("Capturing fromAgent.# into");

        await using var router = AgentProcess.Start("router", "router", "--url", url);
        await router.WaitForLineAsync("Routing");
        var replies = await RepliesToEarlyPingsAsync(ns1, "bbbb::2");
        Assert.True(replies >= 1, $"{original.Answered} answered; {router.Output}");

        // The router knows agent_2 only from its packets; status lists it from the router's report, with no stats.
        await using var status = AgentProcess.Start("status", "status", "--url", url, "--wait", "3");
        Assert.Equal(0, await status.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(status.Lines, l => Regex.IsMatch(l, @"^agent_2\s+-\s+-\s+-\s+-\s+-\s+-\s+-\s+-\s+-\s+-$"));
        Assert.Contains(status.Lines, l => Regex.IsMatch(l, @"^agent_1\s+tun\s+bbbb::1/64"));

        Assert.Equal(0, (await capture.StopAsync()).ExitCode);
        var times = (await Command.RunAsync("tshark", ["-r", capturePath, "-T", "fields", "-e", "frame.time_epoch"], TimeSpan.FromSeconds(60)))
            .EnsureSuccess().StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToList();
        Assert.True(times.Count >= 2 * replies, $"{times.Count} records for {replies} replies");
        for (var i = 1; i < times.Count; i++) Assert.True(times[i] >= times[i - 1], $"record {i + 1} goes back: {times[i - 1]} then {times[i]}");
        File.Delete(capturePath);
    }
}
