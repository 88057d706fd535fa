namespace Agent.IntegrationTests;

/// <summary>
/// The soak of issue 10, a minute of it: bench/soak.sh runs a whole session (router, two TUN agents, a serial agent and
/// its simulated mote) under mixed traffic with a broker restart in the middle, on its own broker node and namespaces,
/// and fails when a process dies or its memory grows.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SoakTests(BrokerFixture broker)
{
    [Fact]
    public async Task A_minute_of_mixed_traffic_and_a_broker_restart_leaves_every_process_running_with_flat_memory()
    {
        var environment = new Dictionary<string, string>
        {
            ["SESSION_AGENT"] = AgentProcess.ExecutablePath,
            ["SESSION_SIM"] = Path.GetFullPath(AgentProcess.FirmwareSimPath),
            ["NS1"] = $"agt-soak1-{Environment.ProcessId}",
            ["NS2"] = $"agt-soak2-{Environment.ProcessId}",
        };
        await using var soak = AgentProcess.Start("soak", [Path.Combine(broker.RepoRoot, "bench", "soak.sh"), "60"], environment, "bash");
        var exit = await soak.WaitForExitAsync(TimeSpan.FromMinutes(4));
        Assert.True(exit == 0, soak.Output);
        Assert.Contains(soak.Lines, l => l.Contains("broker restart", StringComparison.Ordinal));
        Assert.Contains("soak: every process ran 60 s with flat memory", soak.Lines);
        foreach (var process in new[] { "router", "agent_1", "agent_2", "mote", "agent_3" })
            Assert.Contains(soak.Lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"^\s+\d+s\s+{process}\s+\d+\.\d\s"));
    }
}
