using Agent.Core.Drops;
using System.Text.Json.Nodes;
using Serilog;
using Agent.Core.Bus;
using Agent.Core.Protocol;

namespace Agent.Core.Capture;

/// <summary>
/// Answers the ioppytest sniffer's RPCs (PROTOCOL.md 7), so that <c>agent capture --serve</c> can stand in for that
/// backend component. <c>sniffing.start</c> starts recording a named capture (stopping the one before),
/// <c>sniffing.stop</c> stops it, <c>sniffing.getcapture</c> / <c>getlastcapture</c> return a capture as classic pcap
/// (link type 101, snap length 2000) in base64. Captures live in memory, the oldest forgotten beyond a count.
/// As the ioppytest sniffer, a capture keeps only packets whose <c>interface_name</c> contains "tun" or "serial",
/// and being raw IP it leaves 802.15.4 frames out.
/// </summary>
public sealed class SnifferService
{
    public const string ComponentName = "sniffing";

    public const string StartRequest = "sniffing.start.request";
    public const string StopRequest = "sniffing.stop.request";
    public const string GetCaptureRequest = "sniffing.getcapture.request";
    public const string GetLastCaptureRequest = "sniffing.getlastcapture.request";

    public const int DefaultMaxCaptures = 100;

    /// <summary>Base64 makes it a third larger; RabbitMQ takes messages up to 128 MB by default.</summary>
    public const long DefaultMaxCaptureBytes = 32_000_000;

    private readonly IMessageBus _bus;
    private readonly ILogger _log;
    private readonly int _maxCaptures;
    private readonly long _maxCaptureBytes;
    private readonly Lock _lock = new();
    private readonly OrderedDictionary<string, Capture> _captures = new(StringComparer.Ordinal);
    private Capture? _recording;
    private string? _last;
    private long _requests;

    public SnifferService(IMessageBus bus, ILogger log, int maxCaptures = DefaultMaxCaptures, long maxCaptureBytes = DefaultMaxCaptureBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCaptures);
        _bus = bus;
        _log = log;
        _maxCaptures = maxCaptures;
        _maxCaptureBytes = maxCaptureBytes;
    }

    public static IReadOnlyList<string> RequestKeys { get; } = [StartRequest, StopRequest, GetCaptureRequest, GetLastCaptureRequest];

    /// <summary>What went into captures per agent, and what was left out.</summary>
    public CaptureCounters Counters { get; } = new();

    /// <summary>The capture being recorded, if any.</summary>
    public string? Recording
    {
        get { lock (_lock) return _recording?.Id; }
    }

    /// <summary>Adds a packet to the capture being recorded, if any and if the sniffer would keep it.</summary>
    public void Record(CaptureRecord record)
    {
        lock (_lock)
        {
            if (_recording is not { } capture) return;
            if (record.LinkType != LinkType.RawIp) Counters.CountSkipped(DropReason.SnifferNotIp);
            else if (record.InterfaceName is not { } name || !(name.Contains("tun", StringComparison.Ordinal) || name.Contains("serial", StringComparison.Ordinal)))
                Counters.CountSkipped(DropReason.SnifferNotTunOrSerial);
            else if (capture.Writer.Length >= _maxCaptureBytes)
            {
                Counters.CountSkipped(DropReason.SnifferCaptureFull);
                if (!capture.Full) _log.Warning("Capture {Id} reached {Bytes} bytes: further packets are left out", capture.Id, capture.Writer.Length);
                capture.Full = true;
            }
            else
            {
                capture.Writer.Write(record);
                Counters.CountCaptured(record.Agent);
            }
        }
    }

    /// <summary>Answers one request on the same key ending in <c>.reply</c>, with its correlation id; other keys are ignored.</summary>
    public async ValueTask HandleAsync(string routingKey, ReadOnlyMemory<byte> body, string? correlationId, CancellationToken cancellationToken = default)
    {
        var request = Wire.TryParseObject(body.Span);
        JsonObject? reply;
        lock (_lock)
        {
            reply = routingKey switch
            {
                StartRequest => Start(request),
                StopRequest => Stop(),
                GetCaptureRequest => Get(request is null ? null : Wire.Text(request, "capture_id"), routingKey),
                GetLastCaptureRequest => Get(_last, routingKey),
                _ => null,
            };
            if (reply is null) return;
            _requests++;
        }
        var replyKey = routingKey[..^".request".Length] + ".reply";
        if (!await _bus.TryPublishAsync(replyKey, Wire.ToBytes(reply), cancellationToken, correlationId))
            _log.Warning("Could not reply on {Key}: the broker is unavailable", replyKey);
    }

    /// <summary>One line: requests served, captures kept, and what was left out of them.</summary>
    public string Summary()
    {
        lock (_lock)
        {
            var captures = _captures.Count == 0 ? "no captures"
                : $"{_captures.Count} captures kept, the last {_last} ({(_last is not null && _captures.TryGetValue(_last, out var c) ? c.Writer.Records : 0)} packets)";
            var skipped = Counters.SkippedSummary();
            return $"served {_requests} requests, {captures}" + (skipped.Length > 0 ? $", {skipped}" : "");
        }
    }

    private JsonObject Start(JsonObject? request)
    {
        var id = request is null ? null : Wire.Text(request, "capture_id");
        if (string.IsNullOrWhiteSpace(id)) return Error("No capture id provided");
        if (_recording is { } previous) _log.Information("sniffing.start: capture {Id} stopped with {Packets} packets", previous.Id, previous.Writer.Records);
        _captures.Remove(id);
        _recording = new Capture(id);
        _captures.Add(id, _recording);
        _last = id;
        while (_captures.Count > _maxCaptures) _captures.RemoveAt(0);
        _log.Information("sniffing.start: recording capture {Id}", id);
        return Ok();
    }

    private JsonObject Stop()
    {
        // As the ioppytest sniffer: stopping when nothing records is not an error.
        if (_recording is { } capture) _log.Information("sniffing.stop: capture {Id} stopped with {Packets} packets", capture.Id, capture.Writer.Records);
        _recording = null;
        return Ok();
    }

    private JsonObject Get(string? id, string routingKey)
    {
        if (routingKey == GetLastCaptureRequest && id is null) return Error("No previous capture found.");
        if (string.IsNullOrWhiteSpace(id)) return Error("No capture id provided");
        if (!_captures.TryGetValue(id, out var capture)) return Error($"No capture {id}: start one with sniffing.start first");
        var reply = Ok();
        reply["file_enc"] = "pcap_base64";
        reply["filename"] = $"{id}.pcap";
        reply["value"] = Convert.ToBase64String(capture.Bytes.GetBuffer(), 0, (int)capture.Bytes.Length);
        _log.Information("{Request}: sent capture {Id} ({Packets} packets)", routingKey[..^".request".Length], id, capture.Writer.Records);
        return reply;
    }

    private static JsonObject Ok()
    {
        var body = Wire.NewBody();
        body["ok"] = true;
        return body;
    }

    private JsonObject Error(string message)
    {
        _log.Warning("Sniffer request refused: {Message}", message);
        var body = Wire.NewBody();
        body["ok"] = false;
        body["error_message"] = message;
        body["error_code"] = null;
        return body;
    }

    private sealed class Capture
    {
        public Capture(string id)
        {
            Id = id;
            Writer = new PcapWriter(Bytes, LinkType.RawIp, PcapWriter.SnifferSnapLength);
        }

        public string Id { get; }

        public MemoryStream Bytes { get; } = new();

        public PcapWriter Writer { get; }

        public bool Full { get; set; }
    }
}
