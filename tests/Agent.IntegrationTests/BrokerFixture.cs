using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Agent.IntegrationTests;

/// <summary>
/// A real RabbitMQ node shared by the <see cref="SystemCollection"/>. Under scripts/test.sh it
/// is the node that script started (AGENT_TEST_BROKER_NODE, AGENT_TEST_BROKER_PORT); run alone
/// (IDE, plain <c>dotnet test</c>) it starts a private node through scripts/broker.sh and stops
/// it afterwards. Sessions are vhosts, as on the F-Interop testing tool.
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan CtlTimeout = TimeSpan.FromSeconds(120);

    private bool _ownsNode;

    /// <summary>The node name given to scripts/broker.sh (without "@localhost").</summary>
    public string Node { get; private set; } = "";

    /// <summary>The node's AMQP port on localhost.</summary>
    public int Port { get; private set; }

    /// <summary>The folder that holds Agent.sln.</summary>
    public string RepoRoot { get; } = FindRepoRoot();

    private string BrokerScript => Path.Combine(RepoRoot, "scripts", "broker.sh");

    public async Task InitializeAsync()
    {
        var node = Environment.GetEnvironmentVariable("AGENT_TEST_BROKER_NODE");
        if (!string.IsNullOrWhiteSpace(node))
        {
            Node = node;
            Port = PortFromEnvironment()
                ?? throw new InvalidOperationException(
                    "AGENT_TEST_BROKER_NODE is set but neither AGENT_TEST_BROKER_PORT nor AGENT_TEST_AMQP_URL " +
                    "gives the node's port; set one of them, or unset AGENT_TEST_BROKER_NODE to let the tests start a node.");
            return;
        }

        var pid = Environment.ProcessId;
        // scripts/test.sh uses 20000-20999 (distribution +1000); keep clear of it and of the
        // kernel's ephemeral range (32768+).
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = 22000 + (pid + attempt) % 1000;
            var name = attempt == 0 ? $"agent-fixture-{pid}" : $"agent-fixture-{pid}-{attempt}";
            if (Directory.Exists($"/tmp/agent-broker-{name}") || await AcceptsAsync(port) || await AcceptsAsync(port + 1000))
                continue;
            Node = name;
            Port = port;
            _ownsNode = true;
            try
            {
                await RunAsync(StartTimeout, BrokerScript, "start", name, port.ToString());
            }
            catch
            {
                // xunit does not dispose a fixture whose InitializeAsync threw.
                await DisposeAsync();
                throw;
            }
            return;
        }
        throw new InvalidOperationException("No free port for a private RabbitMQ node in 22000-22999.");
    }

    public async Task DisposeAsync()
    {
        if (_ownsNode)
        {
            _ownsNode = false;
            await RunAsync(CtlTimeout, BrokerScript, "stop", Node);
        }
    }

    /// <summary>amqp://guest:guest@localhost:PORT/VHOST, the vhost escaped.</summary>
    public string UrlFor(string vhost) =>
        $"amqp://guest:guest@localhost:{Port}/{Uri.EscapeDataString(vhost)}";

    /// <summary>Adds a vhost, gives guest every permission on it, and returns its URL.</summary>
    public async Task<string> CreateSessionAsync(string vhostName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(vhostName);
        await CtlAsync("add_vhost", vhostName);
        await CtlAsync("set_permissions", "-p", vhostName, "guest", ".*", ".*", ".*");
        return UrlFor(vhostName);
    }

    public async Task DeleteSessionAsync(string vhost)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(vhost);
        await CtlAsync("delete_vhost", vhost);
    }

    /// <summary>
    /// Simulates a broker restart: stop_app, <paramref name="downtime"/>, start_app, then waits
    /// until the app is up and the AMQP port accepts connections. Each rabbitmqctl call takes
    /// about a second, so the real outage is somewhat longer than <paramref name="downtime"/>.
    /// </summary>
    public async Task RestartBrokerAppAsync(TimeSpan downtime)
    {
        await CtlAsync("stop_app");
        if (downtime > TimeSpan.Zero)
            await Task.Delay(downtime);
        await CtlAsync("start_app");
        await CtlAsync("await_startup", "--timeout", "60");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await AcceptsAsync(Port))
        {
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"Node {Node} restarted but port {Port} does not accept connections after 30 s.");
            await Task.Delay(100);
        }
    }

    /// <summary>The node's Erlang VM, for a test that freezes it (SIGSTOP) and thaws it again.</summary>
    public int NodePid => int.Parse(File.ReadAllText($"/tmp/agent-broker-{Node}/pid").Trim());

    /// <summary>Whether each channel of the client named <paramref name="client"/> is in confirm mode, as the broker says.</summary>
    public async Task<IReadOnlyList<bool>> ChannelConfirmsAsync(string vhost, string client)
    {
        var connections = await ConnectionsOfAsync(vhost, client);
        return JsonNode.Parse(await CtlAsync("list_channels", "-p", vhost, "connection", "confirm", "--formatter", "json"))!
            .AsArray().Where(c => connections.Contains((string)c!["connection"]!)).Select(c => (bool)c!["confirm"]!).ToList();
    }

    /// <summary>The broker's ids of the connections whose name is <paramref name="client"/>.</summary>
    private async Task<HashSet<string>> ConnectionsOfAsync(string vhost, string client) =>
        // client_properties is a list of [key, type, value]; the client's name is its connection_name.
        JsonNode.Parse(await CtlAsync("list_connections", "-p", vhost, "pid", "client_properties", "--formatter", "json"))!
            .AsArray().Where(c => c!["client_properties"]!.AsArray().Any(p => (string?)p![0] == "connection_name" && (string?)p[2] == client))
            .Select(c => (string)c!["pid"]!).ToHashSet();

    /// <summary>Sets off (<paramref name="on"/>) or clears a memory alarm: the node blocks every publisher meanwhile.</summary>
    public Task MemoryAlarmAsync(bool on) => CtlAsync("set_vm_memory_high_watermark", on ? "0" : "0.4");

    /// <summary>Runs <c>rabbitmqctl -n NODE@localhost ARGS</c> (scripts/broker.sh ctl) and returns its stdout.</summary>
    public Task<string> CtlAsync(params string[] args) =>
        RunAsync(CtlTimeout, BrokerScript, ["ctl", Node, .. args]);

    /// <summary>True when something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    internal static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<string> RunAsync(TimeSpan timeout, string script, params string[] args)
    {
        var psi = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add(script);
        foreach (var arg in args)
            psi.ArgumentList.Add(arg);
        var commandLine = $"{script} {string.Join(' ', args)}";

        using var process = Process.Start(psi)
            ?? throw new InvalidOperationException($"Could not start: {commandLine}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var cts = new CancellationTokenSource(timeout))
        {
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                throw new InvalidOperationException(
                    $"Timed out after {timeout.TotalSeconds:0} s: {commandLine}\nstderr:\n{await stderr}\nstdout:\n{await stdout}");
            }
        }
        var output = await stdout;
        var errors = await stderr;
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"Exit code {process.ExitCode}: {commandLine}\nstderr:\n{errors}\nstdout:\n{output}");
        return output;
    }

    private static int? PortFromEnvironment()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("AGENT_TEST_BROKER_PORT"), out var port))
            return port;
        var url = Environment.GetEnvironmentVariable("AGENT_TEST_AMQP_URL");
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Port > 0)
            return uri.Port;
        return null;
    }

    internal static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Agent.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException(
            $"Agent.sln not found in {AppContext.BaseDirectory} or any folder above it.");
    }
}
