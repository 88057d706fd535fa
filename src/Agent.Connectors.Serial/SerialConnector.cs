using System.Threading.Channels;
using Agent.Framing;
using Agent.Connectors.Serial.Line;
using Agent.Connectors.Serial.Payloads;
using Agent.Core.Connectors;
using Agent.Core.Relay;

namespace Agent.Connectors.Serial;

/// <summary>
/// Moves whole frames between a serial line and the relay: bytes in go through the XON/XOFF sublayer (if asked) and
/// the framing decoder, then the payload kind decides what each frame is; frames out are checked by the payload kind,
/// framed and written. The line itself (waiting, unplug, reopen) is <see cref="SerialLine"/>'s job.
/// </summary>
public sealed class SerialConnector : IConnector, IFrameSink, IMoteLink
{
    private const int FrameQueueCapacity = 1024;

    private readonly SerialLine _line;
    private readonly IMotePayload _payload;
    private readonly IFrameDecoder _decoder;
    private readonly IFrameEncoder _encoder;
    private readonly XonXoffFilter? _xonXoff;
    private readonly TrafficCounters _counters;
    private readonly PacketLog _log;
    private readonly TimeProvider _time;
    private readonly Channel<Frame> _frames = Channel.CreateBounded<Frame>(new BoundedChannelOptions(FrameQueueCapacity) { SingleWriter = true });
    private readonly Lock _encodeLock = new();
    private byte[] _encoded = new byte[4096];
    private byte[] _filtered = new byte[4096];

    public SerialConnector(SerialOptions options, SerialLine line, IMotePayload payload, TrafficCounters counters, PacketLog log, TimeProvider time)
    {
        _line = line;
        _payload = payload;
        _counters = counters;
        _log = log;
        _time = time;
        var maxFrame = Math.Max(options.DownlinkLimit, 2048);
        (_decoder, _encoder) = options.Framing switch
        {
            SerialFraming.Hdlc => ((IFrameDecoder)new HdlcDecoder(maxFrame), (IFrameEncoder)new HdlcEncoder()),
            _ => (new SlipDecoder(maxFrame), new SlipEncoder()),
        };
        if (options.XonXoffEscape) _xonXoff = new XonXoffFilter();
        _line.Opened += () =>
        {
            _decoder.Reset();
            _xonXoff?.Reset();
            _payload.OnOpened(this);
        };
    }

    public string InterfaceName => "serial";

    public ChannelReader<Frame> Frames => _frames.Reader;

    /// <summary>The downlink check of the payload kind, for the relay.</summary>
    public FrameVerdict CheckDownlink(ReadOnlySpan<byte> frame) => _payload.CheckDownlink(frame);

    /// <summary>Runs the line until cancelled (see <see cref="SerialLine.RunAsync"/>).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stopTicking = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ticking = TickAsync(stopTicking.Token);
        try
        {
            await _line.RunAsync(OnBytes, cancellationToken);
        }
        finally
        {
            await stopTicking.CancelAsync();
            await ticking;
            _frames.Writer.TryComplete();
        }
    }

    public async ValueTask<string?> WriteAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        var plan = _payload.ToMote(frame.Span);
        if (plan.DropReason is { } reason)
        {
            _log.Dropped(_line.Path, reason, plan.Detail);
            return reason;
        }
        for (var i = 0; i < plan.Frames.Count; i++)
        {
            if (i > 0 && _payload.FrameSpacing > TimeSpan.Zero) await Task.Delay(_payload.FrameSpacing, _time, cancellationToken);
            if (Send(plan.Frames[i]) is { } failed) return failed;
        }
        return null;
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                if (_line.IsOpen) _payload.OnTick(this);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        _frames.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    private void OnBytes(ReadOnlySpan<byte> bytes)
    {
        if (_xonXoff is null)
        {
            _decoder.Decode(bytes, this);
            return;
        }
        if (_filtered.Length < bytes.Length) _filtered = new byte[bytes.Length];
        var n = _xonXoff.Filter(bytes, _filtered);
        _decoder.Decode(_filtered.AsSpan(0, n), this);
    }

    private string? Send(ReadOnlySpan<byte> payload)
    {
        lock (_encodeLock)
        {
            var needed = _encoder.MaxEncodedLength(payload.Length);
            if (_encoded.Length < needed) _encoded = new byte[needed];
            var length = _encoder.Encode(payload, _encoded);
            return _line.Write(_encoded.AsSpan(0, length));
        }
    }

    void IFrameSink.OnFrame(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> wire) => _payload.FromMote(payload, wire, this);

    void IFrameSink.OnDrop(FrameError error) => Drop(error switch
    {
        FrameError.BadFcs => DropReasons.BadFcs,
        FrameError.BadEscape => DropReasons.BadEscape,
        _ => DropReasons.Oversize,
    }, "from the mote");

    void IMoteLink.Up(byte[] data, byte[]? wire)
    {
        if (!_frames.Writer.TryWrite(new Frame(data, _time.GetUtcNow(), wire)))
            Drop(DropReasons.UplinkOverflow, "the queue towards the bus is full");
    }

    void IMoteLink.Reply(ReadOnlySpan<byte> payload)
    {
        if (Send(payload) is { } reason) Drop(reason, "a reply to the mote");
    }

    void IMoteLink.Drop(string reason, string detail, bool quiet) => Drop(reason, detail, quiet);

    void IMoteLink.Print(string text) => _log.Text(_line.Path, text);

    private void Drop(string reason, string detail, bool quiet = false)
    {
        _counters.CountDrop(reason);
        _log.Dropped(_line.Path, reason, detail, quiet);
    }
}
