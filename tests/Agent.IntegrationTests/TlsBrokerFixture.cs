namespace Agent.IntegrationTests;

/// <summary>
/// Two RabbitMQ nodes of their own with a TLS listener, for the TLS tests (the shared node has none): one that only
/// proves itself with its certificate, one that also requires a client certificate signed by the session CA. Both
/// start at once (each takes several seconds) and are stopped afterwards, with the certificates' folder.
/// </summary>
public sealed class TlsBrokerFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(150);
    private readonly List<string> _started = [];

    public TestCertificates Certificates { get; private set; } = null!;

    /// <summary>The TLS port of the node that asks for no client certificate.</summary>
    public int TlsPort { get; private set; }

    /// <summary>The TLS port of the node that requires a client certificate.</summary>
    public int ClientCertTlsPort { get; private set; }

    /// <summary>amqps://guest:guest@localhost:PORT/ (guest may log in from loopback only: this is loopback).</summary>
    public static string UrlFor(int port) => $"amqps://guest:guest@localhost:{port}/";

    private static string BrokerScript => Path.Combine(BrokerFixture.FindRepoRoot(), "scripts", "broker.sh");

    public async Task InitializeAsync()
    {
        Certificates = await TestCertificates.CreateAsync();
        try
        {
            var pid = Environment.ProcessId;
            // Clear of scripts/test.sh (20000-20999) and BrokerFixture (22000-22999): AMQP 23000-23499, TLS +500,
            // Erlang distribution +1000.
            var first = await FreePortAsync(23000 + pid % 500);
            var second = await FreePortAsync(first + 1);
            TlsPort = first + 500;
            ClientCertTlsPort = second + 500;
            await Task.WhenAll(
                StartAsync($"agent-tls-{pid}", first, requireClientCert: false),
                StartAsync($"agent-mtls-{pid}", second, requireClientCert: true));
        }
        catch
        {
            await DisposeAsync(); // xunit does not dispose a fixture whose InitializeAsync threw
            throw;
        }
    }

    private async Task StartAsync(string node, int port, bool requireClientCert)
    {
        string[] arguments = [BrokerScript, "start", node, port.ToString(), (port + 1000).ToString(),
            "--tls-port", (port + 500).ToString(), "--tls-ca", Certificates.Ca,
            "--tls-cert", Certificates.ServerCert, "--tls-key", Certificates.ServerKey,
            .. requireClientCert ? new[] { "--tls-require-client-cert" } : []];
        lock (_started) _started.Add(node); // a half-started node is stopped too
        (await Command.RunAsync("bash", arguments, StartTimeout)).EnsureSuccess();
    }

    /// <summary>The first port from <paramref name="from"/> on whose TLS and distribution ports are free too.</summary>
    private static async Task<int> FreePortAsync(int from)
    {
        for (var port = from; port < 23500; port++)
            if (!await BrokerFixture.AcceptsAsync(port) && !await BrokerFixture.AcceptsAsync(port + 500) && !await BrokerFixture.AcceptsAsync(port + 1000))
                return port;
        throw new InvalidOperationException($"No free ports for a TLS node in {from}-23499.");
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _started)
            await Command.RunAsync("bash", [BrokerScript, "stop", node], TimeSpan.FromSeconds(60));
        Certificates?.Dispose();
    }
}
