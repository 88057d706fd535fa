using System.Text.RegularExpressions;

namespace Agent.IntegrationTests;

/// <summary>
/// `agent serial --payload openwsn` as the border router of the simulated OpenWSN mesh (root &lt;- A &lt;- B &lt;- C), with a
/// real broker, our router and a TUN agent in its own namespace (issue 5's acceptance).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class OpenWsnTests(BrokerFixture broker)
{
    private const string MoteA = "bbbb::1415:92cc:0:2";
    private const string MoteC = "bbbb::1415:92cc:0:4";

    private static async Task<int> RepliesAsync(Netns from, string address, int count = 8)
    {
        var result = await from.ExecAsync(TimeSpan.FromSeconds(90), "ping", "-6", "-c", $"{count}", "-i", "0.5", "-W", "3", address);
        var match = Regex.Match(result.StandardOutput, @"(\d+) packets transmitted, (\d+) received");
        Assert.True(match.Success, result.ToString());
        Assert.DoesNotContain("DUP!", result.StandardOutput);
        return int.Parse(match.Groups[2].Value);
    }

    private sealed record Session(Netns Ns, AgentProcess Router, AgentProcess Mesh, AgentProcess Agent3, AgentProcess Agent1) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var process in new[] { Agent1, Agent3, Mesh, Router }) await process.DisposeAsync();
            await Ns.DisposeAsync();
        }
    }

    private Task<Session> StartAsync(string name, params string[] meshOptions) => StartAsync(name, overTcp: false, meshOptions);

    /// <param name="overTcp">Serve the mesh's root over TCP (firmware-sim --listen) and have the agent connect to it, as on FIT IoT-LAB.</param>
    private async Task<Session> StartAsync(string name, bool overTcp, params string[] meshOptions)
    {
        var url = await broker.CreateSessionAsync($"openwsn-{name}-{Environment.ProcessId}");
        var ns = await Netns.CreateAsync($"agt-w{name}");
        var port = overTcp ? $"tcp://127.0.0.1:{new TestPorts().Next()}" : $"/tmp/agent-mesh-{name}-{Environment.ProcessId}";
        var router = AgentProcess.Start("router", "router", "--url", url);
        await router.WaitForLineAsync("Routing");
        var mesh = AgentProcess.StartMote("mesh", [overTcp ? "--listen" : "--link", port, "--payload", "openwsn", "--motes", "4", .. meshOptions]);
        await mesh.WaitForLineAsync(Regex.Escape(port));
        var agent3 = AgentProcess.Start("agent_3", "serial", "--url", url, "--name", "agent_3", "--port", port, "--payload", "openwsn");
        var agent1 = AgentProcess.Start("agent_1", "tun", "--url", url, "--name", "agent_1", "--netns", ns.Name);
        await agent1.WaitForLineAsync(@"Interface tun\d+ is up");
        await agent3.WaitForLineAsync(meshOptions.Contains("--no-status") ? "answered the serial echo probe" : "found OpenWSN mote 14-15-92-cc-00-00-00-01",
            TimeSpan.FromSeconds(20));
        await agent3.WaitForLineAsync("is DAG root of bbbb::/64", TimeSpan.FromSeconds(20));
        await router.WaitForLineAsync(@"agent_3 owns bbbb::1415:92cc:0:1");
        return new Session(ns, router, mesh, agent3, agent1);
    }

    /// <summary>Waits until the mesh's DAOs have given the agent a route to every mote.</summary>
    private static async Task WaitForRoutesAsync(Netns ns)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var ping = await ns.ExecAsync(TimeSpan.FromSeconds(10), "ping", "-6", "-c", "1", "-W", "2", MoteC);
            if (ping.Succeeded) return;
        }
        Assert.Fail($"no reply from {MoteC} within 20 s");
    }

    [Fact]
    public async Task Motes_one_and_three_hops_away_answer_pings_and_udp_echo()
    {
        await using var session = await StartAsync("ping");
        await WaitForRoutesAsync(session.Ns);
        Assert.True(await RepliesAsync(session.Ns, MoteA) >= 6, "mote A (1 hop)");
        Assert.True(await RepliesAsync(session.Ns, MoteC) >= 6, "mote C (3 hops, default size: fragmented both ways)");

        var udp = await session.Ns.ExecAsync(TimeSpan.FromSeconds(20), "sh", "-c",
            $"printf 'hello mesh' | socat -T 3 - 'UDP6:[{MoteC}]:7'");
        Assert.Equal("hello mesh", udp.StandardOutput);

        var (exit, _) = await session.Agent3.StopAsync();
        Assert.Equal(0, exit);
        var mesh = session.Agent3.Lines.Last(l => l.Contains("Mesh of agent_3"));
        Assert.Matches(@"[1-9]\d* reassembled", mesh);
        Assert.Contains("3 routes", mesh);
    }

    [Fact]
    public async Task Over_tcp_the_mote_three_hops_away_answers_fragmented_pings()
    {
        await using var session = await StartAsync("tcp", overTcp: true);
        await WaitForRoutesAsync(session.Ns);
        Assert.True(await RepliesAsync(session.Ns, MoteC) >= 6, "mote C (3 hops, default size: fragmented both ways) over tcp://");

        var (exit, _) = await session.Agent3.StopAsync();
        Assert.Equal(0, exit);
        var mesh = session.Agent3.Lines.Last(l => l.Contains("Mesh of agent_3"));
        Assert.Matches(@"[1-9]\d* reassembled", mesh);
        Assert.Contains("3 routes", mesh);
        Assert.Contains(session.Agent3.Lines, l => l.Contains("Connected to tcp://127.0.0.1:"));
    }

    [Fact]
    public async Task Without_status_frames_the_serial_echo_probe_finds_the_mote()
    {
        await using var session = await StartAsync("probe", "--no-status");
        await WaitForRoutesAsync(session.Ns);
        Assert.True(await RepliesAsync(session.Ns, MoteA, count: 4) >= 3, "mote A");
    }

    [Fact]
    public async Task After_the_root_reboots_it_is_made_root_again_and_pings_resume()
    {
        await using var session = await StartAsync("reboot", "--reboot-after", "12");
        await WaitForRoutesAsync(session.Ns);
        Assert.True(await RepliesAsync(session.Ns, MoteA, count: 4) >= 3, "before the reboot");

        await session.Agent3.WaitForLineAsync("no longer DAG root", TimeSpan.FromSeconds(30));
        await WaitForCountAsync(session.Agent3, "is DAG root of bbbb::/64", 2, TimeSpan.FromSeconds(20));
        Assert.True(await RepliesAsync(session.Ns, MoteC, count: 6) >= 4, "after the reboot, with the topology kept");
        Assert.False(session.Agent3.HasExited);
    }

    private static async Task WaitForCountAsync(AgentProcess process, string pattern, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.Lines.Count(l => l.Contains(pattern)) >= count) return;
            await Task.Delay(100);
        }
        Assert.Fail($"{process.Label} printed '{pattern}' fewer than {count} times:\n{process.Output}");
    }
}
