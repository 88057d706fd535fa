using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace FirmwareSim.Tests;

/// <summary>The real firmware-sim executable, started with a temporary link, its stdout read line by line.</summary>
internal sealed partial class MoteProcess : IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _seen = [];

    public MoteProcess(params string[] arguments)
        : this(link: true, arguments)
    {
    }

    private MoteProcess(bool link, string[] arguments)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("firmware-sim-test-").FullName;
        Link = Path.Combine(Directory, "mote0");
        var start = new ProcessStartInfo(Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in link ? ["--link", Link, .. arguments] : arguments) start.ArgumentList.Add(argument);
        _process = Process.Start(start) ?? throw new InvalidOperationException("firmware-sim did not start");
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line) _lines.Writer.TryWrite(line);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line) _lines.Writer.TryWrite("stderr: " + line);
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The mote served over TCP: <paramref name="arguments"/> say --listen (port 0: see <see cref="WaitForPortAsync"/>).</summary>
    public static MoteProcess Serving(params string[] arguments) => new(link: false, arguments);

    /// <summary>Waits for the start line of a mote served over TCP and returns the port it listens on.</summary>
    public async Task<int> WaitForPortAsync(TimeSpan timeout)
    {
        var line = await WaitForLineAsync("mote on ", timeout);
        var match = System.Text.RegularExpressions.Regex.Match(line, @"mote on \w+://[^ ]+:(\d+) ");
        Assert.True(match.Success, line);
        return int.Parse(match.Groups[1].Value);
    }

    public string Directory { get; }

    public string Link { get; }

    public Process Process => _process;

    /// <summary>Everything read so far, for failure messages.</summary>
    public string Output => string.Join('\n', _seen);

    /// <summary>Waits for a stdout line containing <paramref name="text"/> and returns it.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(cts.Token);
                _seen.Add(line);
                if (line.Contains(text, StringComparison.Ordinal)) return line;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no line with '{text}' from firmware-sim within {timeout}; it printed:\n{Output}");
        }
    }

    /// <summary>Sends SIGTERM, as a service manager or Ctrl-C would.</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, 15) != 0) throw new InvalidOperationException("kill(SIGTERM) failed");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>
    /// The apphost built next to the project (firmware-sim/bin/&lt;Configuration&gt;/net10.0/firmware-sim), found from
    /// this test assembly's tests/FirmwareSim.Tests/bin/&lt;Configuration&gt;/net10.0; else a copy beside this assembly.
    /// </summary>
    private static string Executable()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = here.Parent!.Name;
        for (var directory = here; directory is not null; directory = directory.Parent)
        {
            if (!File.Exists(Path.Combine(directory.FullName, "Agent.sln"))) continue;
            var built = Path.Combine(directory.FullName, "firmware-sim", "bin", configuration, here.Name, "firmware-sim");
            if (File.Exists(built)) return built;
            break;
        }
        var beside = Path.Combine(here.FullName, "firmware-sim");
        return File.Exists(beside) ? beside : throw new FileNotFoundException($"firmware-sim is not built (looked for the apphost of configuration {configuration})");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
