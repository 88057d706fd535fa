using System.Diagnostics;
using System.Text.Json;

namespace Agent.IntegrationTests;

/// <summary>
/// A private three-node RabbitMQ cluster (scripts/broker.sh cluster) for the failover tests: one per test class, since
/// its start takes tens of seconds on a loaded machine. Ports 22000-22999 as BrokerFixture's own nodes (each node's
/// distribution port 1000 above, its CLI ports set by broker.sh), half the range away from the one BrokerFixture picks.
/// Nodes can be killed (SIGKILL to the Erlang VM) and revived; everything is stopped and removed afterwards.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const int Size = 3;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(240);
    private static readonly TimeSpan CtlTimeout = TimeSpan.FromSeconds(120);
    private bool _started;

    public string Name { get; private set; } = "";

    /// <summary>The AMQP port of node i (0-based); node i is NAME-(i+1).</summary>
    public int[] Ports { get; } = new int[Size];

    private static string BrokerScript => Path.Combine(BrokerFixture.FindRepoRoot(), "scripts", "broker.sh");

    public string Node(int i) => $"{Name}-{i + 1}";

    /// <summary>The default vhost on node i (guest may use it from loopback).</summary>
    public string UrlOf(int i) => $"amqp://guest:guest@localhost:{Ports[i]}/";

    /// <summary>The node whose AMQP port is <paramref name="port"/>.</summary>
    public int IndexOfPort(int port) => Array.IndexOf(Ports, port);

    public async Task InitializeAsync()
    {
        var pid = Environment.ProcessId;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var first = 22000 + (pid + 500 + 3 * attempt) % 997;
            var name = $"agent-cluster-{pid}-{attempt}";
            var ports = Enumerable.Range(first, Size).ToArray();
            if (Enumerable.Range(1, Size).Any(i => Directory.Exists($"/tmp/agent-broker-{name}-{i}"))) continue;
            if ((await Task.WhenAll(ports.SelectMany(p => new[] { p, p + 1000 }).Select(BrokerFixture.AcceptsAsync))).Any(busy => busy)) continue;
            Name = name;
            ports.CopyTo(Ports, 0);
            _started = true;
            try
            {
                (await Command.RunAsync("bash", [BrokerScript, "cluster", name, Size.ToString(), first.ToString()], StartTimeout)).EnsureSuccess();
            }
            catch
            {
                await DisposeAsync(); // xunit does not dispose a fixture whose InitializeAsync threw
                throw;
            }
            return;
        }
        throw new InvalidOperationException("No free ports for a private cluster in 22000-22999.");
    }

    /// <summary>kill -9 of node i's Erlang VM: no goodbye to its clients or its peers.</summary>
    public void Kill(int i)
    {
        var pid = int.Parse(File.ReadAllText($"/tmp/agent-broker-{Node(i)}/pid").Trim());
        using var node = Process.GetProcessById(pid);
        node.Kill();
    }

    /// <summary>Starts a killed node again; it rejoins the cluster by itself.</summary>
    public async Task ReviveAsync(int i) =>
        (await Command.RunAsync("bash", [BrokerScript, "revive", Node(i)], StartTimeout)).EnsureSuccess();

    /// <summary><c>rabbitmqctl ARGS</c> on node i.</summary>
    public async Task<string> CtlAsync(int i, params string[] args)
    {
        var result = await Command.RunAsync("bash", [BrokerScript, "ctl", Node(i), .. args], CtlTimeout);
        result.EnsureSuccess();
        return result.StandardOutput;
    }

    /// <summary>The quorum queue's leader node and how many of its members are online, asked of node <paramref name="via"/>.</summary>
    public async Task<(int Leader, int Online)> QuorumAsync(int via, string queue)
    {
        var output = await CtlAsync(via, "--silent", "list_queues", "name", "leader", "online", "--formatter", "json");
        var json = output[Math.Max(0, output.IndexOf('['))..]; // after any line of progress
        using var document = JsonDocument.Parse(json);
        foreach (var row in document.RootElement.EnumerateArray())
        {
            if (row.GetProperty("name").GetString() != queue) continue;
            var leader = row.GetProperty("leader").GetString() ?? "";
            var index = Enumerable.Range(0, Size).FirstOrDefault(i => leader == $"{Node(i)}@localhost", -1);
            return (index, row.GetProperty("online").GetArrayLength());
        }
        throw new InvalidOperationException($"no queue {queue} on the cluster:\n{json}");
    }

    public async Task DisposeAsync()
    {
        if (!_started) return;
        _started = false;
        await Command.RunAsync("bash", [BrokerScript, "cluster-stop", Name, Size.ToString()], CtlTimeout);
    }
}
