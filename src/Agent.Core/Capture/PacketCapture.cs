using Serilog;
using Agent.Core.Bus;
using Agent.Core.Protocol;
using Agent.Core.Drops;
using Agent.Core.Relay;

namespace Agent.Core.Capture;

/// <summary>
/// <c>agent capture</c> on the bus: binds <c>fromAgent.#</c> (and, with a sniffer, its request keys, on the same queue
/// so that a stop is handled after the packets that came before it), turns every packet message into a record and
/// hands it to the capture files and to the sniffer. Other messages under <c>fromAgent.</c> (announcements, stats)
/// are not packets and are ignored.
/// </summary>
public sealed class PacketCapture
{
    private readonly IMessageBus _bus;
    private readonly CaptureFileSet? _files;
    private readonly SnifferService? _sniffer;
    private readonly ILogger _log;
    private readonly PacketLog _packetLog;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private bool _stopped;
    private DateTimeOffset _lastTimestamp = DateTimeOffset.MinValue;

    public PacketCapture(IMessageBus bus, CaptureFileSet? files, SnifferService? sniffer, ILogger log, PacketLog packetLog, TimeProvider time)
    {
        if (files is null && sniffer is null) throw new ArgumentException("a capture needs files to write or a sniffer to serve");
        _bus = bus;
        _files = files;
        _sniffer = sniffer;
        _log = log;
        _packetLog = packetLog;
        _time = time;
    }

    /// <summary>What went into the files (or, without files, to the sniffer), per agent, and what did not.</summary>
    public CaptureCounters Counters { get; } = new();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _bus.SubscribeAsync([Topics.AllFromAgents, .. _sniffer is null ? [] : SnifferService.RequestKeys], OnMessageAsync, cancellationToken);
            var purposes = new[] { _files is null ? null : $"into {_files.MainPath}", _sniffer is null ? null : "for sniffing.* requests" };
            _log.Information("Capturing {Keys} {Purposes}", Topics.AllFromAgents, string.Join(" and ", purposes.OfType<string>()));
            if (_sniffer is not null)
                await _bus.TryPublishAsync(Topics.ComponentReady, ComponentMessage.Ready(SnifferService.ComponentName).ToJson(), cancellationToken);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Messages still arriving are dropped from here on: the caller closes the files next.
            lock (_lock) _stopped = true;
            if (_sniffer is not null)
            {
                await Farewell.SayAsync(_bus, SnifferService.ComponentName);
            }
            _log.Information("{Summary}", Summary());
        }
    }

    /// <summary>One line of what was written: packets per agent, the files, what was skipped.</summary>
    public string Summary()
    {
        var parts = new List<string>();
        if (_files is not null)
        {
            var files = _files.Files;
            var where = files.Count switch
            {
                0 => "no file",
                1 => files[0],
                _ => $"{files.Count} files, {files[0]} to {files[^1]}",
            };
            var notes = new[] { Counters.CutSummary(), Counters.SkippedSummary() }.Where(n => n.Length > 0);
            parts.Add(string.Join(", ", [$"Captured {Counters.TotalCaptured} packets ({Counters.PerAgent()}) into {where}", .. notes]));
        }
        if (_sniffer is not null) parts.Add($"sniffer: {_sniffer.Summary()}");
        return string.Join("; ", parts);
    }

    private async ValueTask OnMessageAsync(string routingKey, ReadOnlyMemory<byte> body, string? correlationId)
    {
        if (_sniffer is not null && routingKey.EndsWith(".request", StringComparison.Ordinal))
        {
            await _sniffer.HandleAsync(routingKey, body, correlationId);
            return;
        }
        if (!CaptureRecord.IsPacketKey(routingKey, out var agent, out var linkType)) return;
        if (linkType is null)
        {
            Skip(routingKey, new Drop(DropReason.UnknownLinkType, "neither ip.tun nor 802154.serial", Quiet: true));
            return;
        }
        if (!CaptureRecord.TryParse(routingKey, body.Span, _time.GetUtcNow(), out var record, out var error))
        {
            Skip(routingKey, new Drop(DropReason.MalformedJson, error));
            return;
        }
        lock (_lock)
        {
            if (_stopped) return;
            record = record!.NotBefore(_lastTimestamp);
            _lastTimestamp = record.Timestamp;
            _sniffer?.Record(record);
            try
            {
                if (_files?.Write(record!) == true)
                {
                    Counters.CountCut();
                    _log.Debug("{Key}: {Length} B cut to the snap length", routingKey, record!.Data.Length);
                }
            }
            catch (IOException e)
            {
                Counters.CountSkipped(DropReason.WriteFailed);
                _packetLog.Dropped(routingKey, new Drop(DropReason.WriteFailed, e.Message));
                return;
            }
            // Without files this counts the packets handed to the sniffer, for the log lines.
            Counters.CountCaptured(agent);
        }
        if (linkType == LinkType.RawIp) _packetLog.Packet(agent, Counters.Captured(agent), record!.Data, body.Span);
        else _log.Debug("{Agent} #{Count} {Length} B 802.15.4 frame", agent, Counters.Captured(agent), record!.Data.Length);
    }

    private void Skip(string routingKey, Drop drop)
    {
        if (_files is not null) Counters.CountSkipped(drop.Reason);
        _packetLog.Dropped(routingKey, drop);
    }
}
