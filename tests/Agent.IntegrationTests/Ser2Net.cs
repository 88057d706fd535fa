using System.Globalization;

namespace Agent.IntegrationTests;

/// <summary>
/// A private instance of Debian's ser2net (4.3.x) in the foreground, sharing one serial device on two TCP ports: raw,
/// and telnet with RFC 2217 (the YAML of the README's recipe). ser2net keeps running on a bad config or a busy port
/// and only logs it, so readiness is both ports listening.
/// </summary>
public sealed class Ser2Net : IAsyncDisposable
{
    private readonly AgentProcess _process;
    private readonly string _directory;

    private Ser2Net(AgentProcess process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    public IReadOnlyList<string> Lines => _process.Lines;

    /// <summary>Starts ser2net on <paramref name="device"/> (a path or a link to it) and waits until both ports listen.</summary>
    public static async Task<Ser2Net> StartAsync(string device, int rawPort, int telnetPort)
    {
        var program = new[] { "/usr/sbin/ser2net", "/usr/bin/ser2net" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("ser2net is not installed (apt-get install ser2net; .ci/run does it)");
        var directory = Directory.CreateTempSubdirectory($"agent-ser2net-{Environment.ProcessId}-").FullName;
        var config = Path.Combine(directory, "ser2net.yaml");
        await File.WriteAllTextAsync(config, $"""
            %YAML 1.1
            ---
            connection: &raw
                accepter: tcp,127.0.0.1,{rawPort}
                connector: serialdev,{device},115200n81,local
                options:
                  mdns: false
            connection: &rfc2217
                accepter: telnet(rfc2217),tcp,127.0.0.1,{telnetPort}
                connector: serialdev,{device},115200n81,local
                options:
                  mdns: false

            """);
        // -n foreground, -d log to stdout too, -u no UUCP lock files.
        var process = AgentProcess.Start("ser2net", ["-n", "-d", "-u", "-c", config, "-P", Path.Combine(directory, "ser2net.pid")],
            new Dictionary<string, string>(), program);
        var ser2net = new Ser2Net(process, directory);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(IsListening(rawPort) && IsListening(telnetPort)))
        {
            if (DateTime.UtcNow > deadline || process.HasExited)
            {
                await ser2net.DisposeAsync();
                throw new TimeoutException($"ser2net does not listen on {rawPort} and {telnetPort}:\n{process.Output}");
            }
            await Task.Delay(100);
        }
        return ser2net;
    }

    /// <summary>Whether something listens on 127.0.0.1:<paramref name="port"/> (from /proc/net/tcp, without connecting to it).</summary>
    private static bool IsListening(int port) =>
        File.ReadLines("/proc/net/tcp").Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(f => f[3] == "0A" && int.Parse(f[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port);

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync(); // SIGTERM, then SIGKILL after 3 s (it ignores SIGTERM while retrying a busy port)
        Directory.Delete(_directory, recursive: true);
    }
}
