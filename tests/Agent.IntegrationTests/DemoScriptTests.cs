using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Agent.IntegrationTests;

/// <summary>scripts/demo.sh as a user runs it: its output through a pipe, then Ctrl-C.</summary>
[Collection(SystemCollection.Name)]
public sealed partial class DemoScriptTests(BrokerFixture broker) : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("agent-demo-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Ctrl_C_on_demo_piped_into_tee_tears_down_the_broker_node_and_both_namespaces()
    {
        var ns1 = $"agt-demo1-{Environment.ProcessId}";
        var ns2 = $"agt-demo2-{Environment.ProcessId}";
        var log = Path.Combine(_directory.FullName, "demo.log");
        var errors = Path.Combine(_directory.FullName, "demo.err");
        var environment = new Dictionary<string, string>
        {
            ["NS1"] = ns1,
            ["NS2"] = ns2,
            ["SESSION_AGENT"] = AgentProcess.ExecutablePath,
            ["SESSION_SIM"] = Path.GetFullPath(AgentProcess.FirmwareSimPath),
        };
        // Its own session (setsid) is the terminal's foreground group: Ctrl-C reaches demo.sh and tee alike, and tee,
        // gone first, leaves demo.sh's stdout a closed pipe. SIGINT and SIGPIPE as a shell would have them (ours ignores
        // SIGPIPE, and what is ignored on entry a script cannot trap).
        await using var demo = AgentProcess.Start("demo",
            ["env", "--default-signal=INT,PIPE", "bash", "-c",
                $"bash {Path.Combine(broker.RepoRoot, "scripts", "demo.sh")} 2>{errors} | tee {log} >/dev/null"],
            environment, program: "setsid");
        try
        {
            await CtrlCAsync(demo, log, errors, ns1, ns2);
        }
        finally
        {
            if (!demo.HasExited) Kill(-demo.Id, 15); // the whole session, which tears itself down on SIGTERM
        }
    }

    private static async Task CtrlCAsync(AgentProcess demo, string log, string errors, string ns1, string ns2)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        while (!(File.Exists(log) && (await File.ReadAllTextAsync(log)).Contains("session is up", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline && !demo.HasExited, $"the demo did not come up:\n{await ReadAsync(log)}\n{await ReadAsync(errors)}");
            await Task.Delay(500);
        }
        var node = NodeName().Match(await File.ReadAllTextAsync(errors)).Groups[1].Value;
        Assert.NotEmpty(node);

        Assert.Equal(0, Kill(-demo.Id, 2)); // SIGINT to the whole group, as Ctrl-C sends it
        await demo.WaitForExitAsync(TimeSpan.FromMinutes(2));

        var teardown = await ReadAsync(errors);
        Assert.Contains("tearing down", teardown);
        Assert.Contains("Stopped agent_1", teardown);
        var namespaces = (await Command.RunAsync("ip", "netns", "list")).StandardOutput;
        Assert.DoesNotContain(ns1, namespaces);
        Assert.DoesNotContain(ns2, namespaces);
        Assert.False(Directory.Exists($"/tmp/agent-broker-{node}"), $"the broker node {node} was left behind:\n{teardown}");
        Assert.DoesNotContain($"/tmp/agent-broker-{node}", (await Command.RunAsync("ps", "-eo", "args")).StandardOutput);
    }

    private static async Task<string> ReadAsync(string path) => File.Exists(path) ? await File.ReadAllTextAsync(path) : "";

    [GeneratedRegex(@"broker: starting node ([A-Za-z0-9_-]+)@localhost")]
    private static partial Regex NodeName();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
