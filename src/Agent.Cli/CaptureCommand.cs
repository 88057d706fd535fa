using System.CommandLine;
using Agent.Core.Bus;
using Agent.Core.Capture;
using Agent.Core.Relay;

namespace Agent.Cli;

/// <summary><c>agent capture</c>: every packet of the session into pcap/pcapng files, and the ioppytest sniffer's RPCs (PROTOCOL.md 7).</summary>
public static class CaptureCommand
{
    public static Command Create(GlobalOptions global, TimeProvider time)
    {
        var write = new Option<string?>("--write", "-w")
        {
            Description = "Write every packet to this file: .pcapng (one interface per agent, named after it) or .pcap (raw IP; 802.15.4 frames go to NAME.802154.pcap); - for pcapng on stdout, each packet flushed as it arrives (logs go to stderr)",
            HelpName = "PATH",
        };
        var rotateSize = new Option<double?>("--rotate-size")
        {
            Description = "Start a new numbered file (NAME-1.pcapng, NAME-2.pcapng, ...) once the current one holds this many megabytes (10^6 bytes)",
            HelpName = "MB",
        };
        var rotatePackets = new Option<long?>("--rotate-packets")
        {
            Description = "Start a new numbered file once the current one holds this many packets",
            HelpName = "N",
        };
        var rotateCount = new Option<int?>("--rotate-count")
        {
            Description = "Keep at most this many files, deleting the oldest (with --rotate-size or --rotate-packets)",
            HelpName = "N",
        };
        var serve = new Option<bool>("--serve")
        {
            Description = "Answer the ioppytest sniffer's requests (sniffing.start/stop/getcapture/getlastcapture) with classic pcap captures",
        };
        var command = new Command("capture", """
            Capture every packet the agents of the session publish (fromAgent.#), into pcap/pcapng files, or for the testing tool's sniffing requests.

            Examples:
              agent capture --url amqp://user:pass@broker/session --write session.pcapng
              agent capture --url amqp://user:pass@broker/session --write session.pcap --rotate-size 100 --rotate-count 10
              agent capture --url amqp://user:pass@broker/session --serve          (stands in for the ioppytest sniffer)
              agent capture --url amqp://user:pass@broker/session -w - | wireshark -k -i -          (live in Wireshark)
              agent capture --url amqp://user:pass@broker/session -w - | tshark -r -
            """);
        foreach (var option in new Option[] { write, rotateSize, rotatePackets, rotateCount, serve })
            command.Options.Add(option);

        command.SetAction((result, token) => CommandRunner.RunAsync(global, result, "capture", token, async (log, cancellationToken) =>
        {
            var path = result.GetValue(write);
            var serving = result.GetValue(serve);
            if (path is null && !serving) throw new UsageException("say what to do: --write PATH (.pcapng or .pcap), --serve, or both");
            var rotation = Rotation(result.GetValue(rotateSize), result.GetValue(rotatePackets), result.GetValue(rotateCount));
            if (path is null && rotation.Rotates) throw new UsageException("--rotate-size and --rotate-packets need --write PATH");
            var busOptions = global.Bus(result, "agent capture");

            using var stdout = path == StdoutCaptureStore.Path ? new StdoutCaptureStore() : null;
            using var files = path is null ? null : stdout is null ? OpenFiles(path, rotation) : OpenStdout(stdout, rotation);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stdout?.Closed ?? CancellationToken.None);
            await using var bus = await RabbitMqBus.ConnectAsync(busOptions, log, time, cancellationToken);
            using var packetLog = new PacketLog(log, time);
            var sniffer = serving ? new SnifferService(bus, log) : null;
            using var onClosed = stdout is null ? default : stdout.Closed.Register(() => log.Information("stdout closed (its reader went away): stopping"));
            await new PacketCapture(bus, files, sniffer, log, packetLog, time).RunAsync(stop.Token);
        }, stdoutIsData: result.GetValue(write) == StdoutCaptureStore.Path));
        return command;
    }

    private static RotationPolicy Rotation(double? megabytes, long? packets, int? count)
    {
        if (megabytes is <= 0 || megabytes is { } m && !double.IsFinite(m)) throw new UsageException("--rotate-size must be a positive number of megabytes");
        if (packets is <= 0) throw new UsageException("--rotate-packets must be a positive number of packets");
        if (count is <= 0) throw new UsageException("--rotate-count must be a positive number of files");
        var policy = new RotationPolicy(megabytes is { } mb ? Math.Max(1, (long)(mb * 1_000_000)) : null, packets, count);
        if (count is not null && !policy.Rotates) throw new UsageException("--rotate-count needs --rotate-size or --rotate-packets (otherwise there is only one file)");
        return policy;
    }

    /// <summary>pcapng on stdout, which must be a pipe or a file, not the terminal.</summary>
    private static CaptureFileSet OpenStdout(StdoutCaptureStore stdout, RotationPolicy rotation)
    {
        if (rotation.Rotates) throw new UsageException("--write -: stdout cannot rotate; drop --rotate-size and --rotate-packets");
        if (!Console.IsOutputRedirected)
            throw new UsageException("--write -: stdout is a terminal; pipe it into a reader: agent capture -w - | tshark -r -");
        var files = new CaptureFileSet(StdoutCaptureStore.Path, CaptureFormat.PcapNg, rotation, stdout);
        files.Open();
        return files;
    }

    /// <summary>Checks the path and opens the first file now, so that a wrong path is one line before any connection.</summary>
    private static CaptureFileSet OpenFiles(string path, RotationPolicy rotation)
    {
        if (!CaptureFileSet.TryFormatOf(path, out var format))
            throw new UsageException($"--write {path}: the file name must end in .pcapng or .pcap");
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory)) throw new UsageException($"--write {path}: directory {directory} does not exist");
        if (Directory.Exists(full)) throw new UsageException($"--write {path}: is a directory");
        var files = new CaptureFileSet(full, format, rotation, new FileCaptureStore());
        try
        {
            files.Open();
            return files;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            files.Dispose();
            throw new UsageException($"--write {path}: cannot create the file ({e.Message})");
        }
    }
}
