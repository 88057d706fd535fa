using System.Net.Sockets;
using Agent.Connectors.Serial.Line;
using Agent.Posix;

namespace Agent.Cli.Doctor;

/// <summary>
/// What <c>agent serial --port</c> needs: the device present, openable by this user, and open in no other process
/// (ModemManager probes new USB serial devices and keeps them open); for tcp:// and rfc2217://, the endpoint answering.
/// </summary>
public static class SerialChecks
{
    public static async Task<IReadOnlyList<Check>> RunAsync(LineAddress port, CancellationToken cancellationToken)
    {
        if (port.IsNetwork) return [await EndpointAsync(port, cancellationToken)];
        var path = port.Text;
        var what = $"serial port {path}";
        if (!File.Exists(path))
            return [Check.Fail(what, "missing", "plug the mote in and look for it: ls -l /dev/serial/by-id/; dmesg | tail"),
                Check.Skipped($"{path} openable", "it is missing"), Check.Skipped($"{path} free", "it is missing")];
        return [Check.Ok($"{what} present"), Openable(path), Free(path)];
    }

    private static async Task<Check> EndpointAsync(LineAddress port, CancellationToken cancellationToken)
    {
        var what = $"serial endpoint {port.Text}";
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await client.ConnectAsync(port.Host, port.Port, timeout.Token);
            return Check.Ok($"{what} accepts connections");
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            var why = e is SocketException s ? s.Message : "no answer within 5 s";
            return Check.Fail(what, why, "check the host and port, and that the testbed's serial server (ser2net, serial_aggregator) runs there");
        }
    }

    private static Check Openable(string path)
    {
        var what = $"{path} openable by user {Environment.UserName}";
        var fd = LibC.Open(path, LibC.O_RDWR | LibC.O_NOCTTY | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        if (fd >= 0)
        {
            LibC.Close(fd);
            return Check.Ok(what);
        }
        var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        return errno switch
        {
            LibC.EACCES or LibC.EPERM => Check.Fail(what, "permission denied",
                $"sudo usermod -aG dialout {Environment.UserName} (dialout: the group of serial devices; ls -l {path} shows it), then log in again"),
            LibC.EBUSY => Check.Fail(what, "another program holds it exclusively", "stop that program (see the next line), e.g. sudo systemctl stop ModemManager"),
            _ => Check.Fail(what, LibC.Describe(errno), "check that it is a serial device: ls -l /dev/serial/by-id/"),
        };
    }

    /// <summary>Any other process with the device open, found through /proc/PID/fd (a plain user sees only their own).</summary>
    private static Check Free(string path)
    {
        var what = $"{path} not open in another process";
        var device = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        var holders = new List<string>();
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                if (Directory.EnumerateFiles(Path.Combine(process, "fd")).Any(fd => new FileInfo(fd).LinkTarget == device))
                    holders.Add($"{pid} ({File.ReadAllText(Path.Combine(process, "comm")).Trim()})");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or another user's: not ours to see.
            }
        }
        return holders.Count == 0
            ? Check.Ok(what)
            : Check.Fail(what, $"open in process {string.Join(", ", holders)}",
                "stop it (ModemManager: sudo systemctl stop ModemManager, or tell it to leave the mote alone with a udev rule ENV{ID_MM_DEVICE_IGNORE}=\"1\"); another agent: agent status");
    }
}
