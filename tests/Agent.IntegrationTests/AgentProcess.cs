using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Agent.IntegrationTests;

/// <summary>
/// The real <c>agent</c> executable, run as a child process: its output collected line by line, stopped with
/// SIGTERM as a user's Ctrl-C or service manager would stop it.
/// </summary>
public sealed partial class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AgentProcess(Process process, string label)
    {
        _process = process;
        Label = label;
    }

    public string Label { get; }

    public IReadOnlyList<string> Lines => _lines.ToList();

    public string Output => string.Join('\n', _lines);

    public bool HasExited => _process.HasExited;

    /// <summary>The process id (the agent's own when started through setpriv or unshare, which exec it).</summary>
    public int Id => _process.Id;

    /// <summary>
    /// The built <c>agent</c> apphost, of the same configuration as this test assembly; or the executable that
    /// <c>AGENT_UNDER_TEST</c> names (a Native AOT or single-file build: the whole suite then runs against it).
    /// </summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("AGENT_UNDER_TEST") is { Length: > 0 } given
            ? Path.GetFullPath(given)
            : Built("src/Agent.Cli", "agent");

    /// <summary>The built <c>firmware-sim</c> apphost, of the same configuration; or <c>FIRMWARE_SIM_UNDER_TEST</c>.</summary>
    public static string FirmwareSimPath =>
        Environment.GetEnvironmentVariable("FIRMWARE_SIM_UNDER_TEST") is { Length: > 0 } given
            ? Path.GetFullPath(given)
            : Built("firmware-sim", "firmware-sim");

    /// <summary>Where the build (dotnet build, this configuration) put <paramref name="project"/>'s apphost.</summary>
    public static string Built(string project, string name)
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var configuration = testBin.Parent!.Name;
        var root = testBin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Agent.sln"))) root = root.Parent;
        return Path.Combine(root!.FullName, project, "bin", configuration, "net10.0", name);
    }

    /// <summary>Starts the simulated mote.</summary>
    public static AgentProcess StartMote(string label, params string[] arguments) =>
        Start(label, arguments, new Dictionary<string, string>(), FirmwareSimPath);

    public static AgentProcess Start(string label, params string[] arguments) => Start(label, arguments, new Dictionary<string, string>());

    /// <summary>Starts the agent, or <paramref name="program"/> with the agent's path among its arguments (setpriv ...).</summary>
    public static AgentProcess Start(string label, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string? program = null)
    {
        var startInfo = new ProcessStartInfo(program ?? ExecutablePath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        startInfo.Environment.Remove("AMQP_URL");
        foreach (var (key, value) in environment) startInfo.Environment[key] = value;
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var agent = new AgentProcess(process, label);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) agent._lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) agent._lines.Enqueue("stderr: " + e.Data); };
        process.Exited += (_, _) => agent._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return agent;
    }

    /// <summary>Waits for an output line matching <paramref name="pattern"/>; fails with the output so far.</summary>
    public async Task<Match> WaitForLineAsync(string pattern, TimeSpan? timeout = null)
    {
        var regex = new Regex(pattern);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            foreach (var line in _lines)
            {
                var match = regex.Match(line);
                if (match.Success) return match;
            }
            if (_process.HasExited) await Task.Delay(200); // let the last lines arrive
            if (_process.HasExited && !_lines.Any(l => regex.IsMatch(l)))
                throw new InvalidOperationException($"{Label} exited ({_process.ExitCode}) before printing /{pattern}/:\n{Output}");
            await Task.Delay(50);
        }
        throw new TimeoutException($"{Label} did not print /{pattern}/:\n{Output}");
    }

    /// <summary>Sends SIGTERM and waits for the exit; returns the exit code and how long the exit took.</summary>
    /// <summary>
    /// The bound for a stop that waits for nothing it need not (each of the agent's own steps is bounded at 500 ms):
    /// generous for a loaded 2-core machine, and far below the 30 s a RabbitMQ close or a connect timeout would take.
    /// </summary>
    public static readonly TimeSpan QuickStop = TimeSpan.FromSeconds(15);

    public async Task<(int ExitCode, TimeSpan Took)> StopAsync(TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        if (!_process.HasExited) _ = Kill(_process.Id, 15);
        return (await WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(30)), clock.Elapsed);
    }

    /// <summary>Sends a signal (1 SIGHUP, 15 SIGTERM ...) without waiting.</summary>
    public void Signal(int signal) => _ = Kill(_process.Id, signal);

    /// <summary>The process id, for what a test does to it from outside.</summary>
    public int Pid => _process.Id;

    /// <summary>SIGKILL: the process gets no chance to say goodbye (a crash, an OOM kill).</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        var finished = await Task.WhenAny(_exited.Task, Task.Delay(timeout));
        if (finished != _exited.Task)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Label} did not exit within {timeout}:\n{Output}");
        }
        _process.WaitForExit(); // flushes the output events
        return _process.ExitCode;
    }

    /// <summary>The counters of the agent's closing line: <c>up N packets (B), down N packets (B), dropped N (...)</c>.</summary>
    public TrafficTotals Totals()
    {
        var match = Lines.Select(l => TotalsLine().Match(l)).LastOrDefault(m => m.Success)
            ?? throw new InvalidOperationException($"{Label} printed no counters line:\n{Output}");
        return new TrafficTotals(long.Parse(match.Groups[1].Value), long.Parse(match.Groups[2].Value), long.Parse(match.Groups[3].Value));
    }

    /// <summary>The router's closing counters for one source: received, forwarded to <paramref name="to"/>, dropped.</summary>
    public (long Received, long Forwarded, long Dropped) RouterTotals(string from, string to)
    {
        var line = Lines.LastOrDefault(l => l.Contains($"from {from}: received", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{Label} printed no counters for {from}:\n{Output}");
        var received = long.Parse(Regex.Match(line, @"received (\d+)").Groups[1].Value);
        var forwarded = Regex.Match(line, $@"\b{to} (\d+)") is { Success: true } m ? long.Parse(m.Groups[1].Value) : 0;
        var dropped = long.Parse(Regex.Match(line, @"dropped (\d+)").Groups[1].Value);
        return (received, forwarded, dropped);
    }

    [GeneratedRegex(@"up (\d+) packets \(\d+ B\), down (\d+) packets \(\d+ B\), dropped (\d+)")]
    private static partial Regex TotalsLine();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, 15);
            if (await Task.WhenAny(_exited.Task, Task.Delay(3000)) != _exited.Task) _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}

/// <summary>An agent's closing counters.</summary>
public sealed record TrafficTotals(long Up, long Down, long Dropped);
