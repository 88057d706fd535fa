using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Agent.IntegrationTests;

/// <summary>
/// Agents and routers meeting faults of their own (issue 10): an interface deleted under them, signals at awkward
/// moments, a second agent with the same name, junk on the agents' keys.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class AgentFaultTests(BrokerFixture broker)
{
    private static async Task<int> RepliesAsync(Netns from, string destination)
    {
        var result = await from.ExecAsync(TimeSpan.FromSeconds(90), "ping", "-6", "-c", "10", "-i", "0.2", "-W", "3", destination);
        var match = Regex.Match(result.StandardOutput, @"(\d+) received");
        Assert.True(match.Success, result.ToString());
        return int.Parse(match.Groups[1].Value);
    }

    [Fact]
    public async Task A_deleted_interface_is_said_made_again_with_its_addresses_and_pings_resume()
    {
        var url = await broker.CreateSessionAsync($"deltun-{Environment.ProcessId}");
        await using var ns1 = await Netns.CreateAsync("agt-dt1");
        await using var ns2 = await Netns.CreateAsync("agt-dt2");
        await using var router = AgentProcess.Start("router", "router", "--url", url);
        await router.WaitForLineAsync("Routing");
        await using var a1 = AgentProcess.Start("agent_1", "tun", "--url", url, "--name", "agent_1", "--netns", ns1.Name);
        await using var a2 = AgentProcess.Start("agent_2", "tun", "--url", url, "--name", "agent_2", "--netns", ns2.Name);
        var name = (await a2.WaitForLineAsync(@"Interface (tun\d+) is up")).Groups[1].Value;
        await a1.WaitForLineAsync(@"Interface tun\d+ is up");
        Assert.True(await RepliesAsync(ns1, "bbbb::2") >= 8);

        (await ns2.IpAsync("link", "del", name)).EnsureSuccess();
        await a2.WaitForLineAsync($"{name} went away .*making it again");
        await a2.WaitForLineAsync($"{name} is up again");
        var addresses = (await ns2.IpAsync("-o", "addr", "show", "dev", name)).EnsureSuccess().StandardOutput;
        Assert.Contains("bbbb::2/64", addresses);
        Assert.Contains("10.2.0.2/24", addresses);
        Assert.True(await RepliesAsync(ns1, "bbbb::2") >= 8);
        Assert.False(a2.HasExited);
    }

    [Fact]
    public async Task SIGHUP_is_a_clean_stop_with_counters_and_goodbye()
    {
        var url = await broker.CreateSessionAsync($"hup-{Environment.ProcessId}");
        await using var ns = await Netns.CreateAsync("agt-hup");
        await using var backend = await BusClient.ConnectAsync(url, "testingtool.component.shutdown");
        // With SIGHUP at its default disposition: a test run under nohup would hand its SIG_IGN down, and an agent
        // started by nohup rightly keeps ignoring hangups (.NET leaves an ignored SIGHUP ignored).
        await using var agent = AgentProcess.Start("agent_1",
            ["--default-signal=HUP", AgentProcess.ExecutablePath, "tun", "--url", url, "--name", "agent_1", "--netns", ns.Name],
            new Dictionary<string, string>(), program: "env");
        await agent.WaitForLineAsync(@"Interface tun\d+ is up");
        agent.Signal(1);
        // Generous: on a loaded machine the stop path runs cold (JIT) at a fraction of a core.
        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(agent.Lines, l => l.Contains("Stopped agent_1: up", StringComparison.Ordinal));
        await backend.WaitForAsync("testingtool.component.shutdown");
    }

    [Fact]
    public async Task SIGTERM_while_still_trying_to_reach_the_broker_is_a_clean_stop()
    {
        await using var agent = AgentProcess.Start("agent_1", "tun", "--url", "amqp://guest:guest@127.0.0.1:9/", "--name", "agent_1",
            "--connect-timeout", "60");
        await agent.WaitForLineAsync("unreachable");
        var (exit, took) = await agent.StopAsync();
        Assert.Equal(0, exit);
        // It does not wait out the 60 s connect timeout.
        Assert.True(took < AgentProcess.QuickStop, $"stopping took {took}");
        Assert.DoesNotContain(agent.Lines, l => l.Contains("unexpected failure", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_second_agent_with_a_name_in_use_refuses_to_start_and_one_that_forces_it_is_heard_by_the_first()
    {
        var url = await broker.CreateSessionAsync($"twins-{Environment.ProcessId}");
        await using var ns1 = await Netns.CreateAsync("agt-tw1");
        await using var ns2 = await Netns.CreateAsync("agt-tw2");
        await using var first = AgentProcess.Start("first", "tun", "--url", url, "--name", "agent_1", "--netns", ns1.Name);
        await first.WaitForLineAsync(@"Interface tun\d+ is up");

        await using var second = AgentProcess.Start("second", "tun", "--url", url, "--name", "agent_1", "--netns", ns2.Name);
        Assert.Equal(1, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var line = Assert.Single(second.Lines, l => l.StartsWith("stderr: agent tun: ", StringComparison.Ordinal));
        Assert.Contains("the name agent_1 is in use in this session", line);
        Assert.DoesNotContain("tun", (await ns2.IpAsync("-o", "link", "show")).StandardOutput);

        await using var forced = AgentProcess.Start("forced", "tun", "--url", url, "--name", "agent_1", "--netns", ns2.Name, "--force");
        await forced.WaitForLineAsync(@"Interface tun\d+ is up");
        await first.WaitForLineAsync("Another agent named agent_1 .* publishes in this session");
        Assert.Equal(0, (await first.StopAsync()).ExitCode);
        Assert.Contains(first.Lines, l => Regex.IsMatch(l, @"Stopped agent_1: .*name clashes [1-9]"));
    }

    [Fact]
    public async Task Junk_on_the_agents_keys_teaches_a_router_nothing_and_it_still_stops_at_once()
    {
        var url = await broker.CreateSessionAsync($"junk-{Environment.ProcessId}");
        await using var router = AgentProcess.Start("router", "router", "--url", url);
        await router.WaitForLineAsync("Routing");
        await using (var attacker = await BusClient.ConnectAsync(url))
        {
            for (var n = 0; n < 2000; n++)
            {
                await attacker.PublishAsync($"fromAgent.junk{n}.stats", "{\"no\": \"name\"}");
                await attacker.PublishAsync($"fromAgent.junk{n}.ip.tun.packet.raw", "[not json");
            }
        }
        await router.WaitForLineAsync("Dropped fromAgent.junk");
        await using var status = AgentProcess.Start("status", "status", "--url", url, "--wait", "3");
        Assert.Equal(0, await status.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(status.Lines, l => Regex.IsMatch(l, @"^Router packetrouting .*agents none yet$"));
        var (exit, took) = await router.StopAsync();
        Assert.Equal(0, exit);
        Assert.True(took < TimeSpan.FromSeconds(5), $"stopping took {took}");
        Assert.Contains(router.Lines, l => l.Contains("from no known agent: dropped", StringComparison.Ordinal));
    }
}
