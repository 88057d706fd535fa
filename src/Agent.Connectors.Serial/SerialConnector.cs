using System.Threading.Channels;
using Agent.Connectors.Serial.Line;
using Agent.Connectors.Serial.Payloads;
using Agent.Core.Connectors;
using Agent.Core.Drops;
using Agent.Framing;
using Agent.Posix;

namespace Agent.Connectors.Serial;

/// <summary>
/// Moves whole frames between a serial line and the relay: bytes in go through the XON/XOFF sublayer (if asked) and
/// the framing decoder, then the payload kind decides what each frame is; frames out are checked by the payload kind,
/// framed and written by the relay's one writer. The line itself (waiting, unplug, reopen) is the
/// <see cref="ISerialLine"/>'s job.
/// </summary>
public sealed class SerialConnector : IConnector, IFrameSink, IMoteLink
{
    private const int FrameQueueCapacity = 1024;

    private readonly ISerialLine _line;
    private readonly IMotePayload _payload;
    private readonly IFrameDecoder _decoder;
    private readonly IFrameEncoder _encoder;
    private readonly XonXoffFilter? _xonXoff;
    private readonly TimeProvider _time;
    private readonly Channel<Frame> _frames = Channel.CreateBounded<Frame>(new BoundedChannelOptions(FrameQueueCapacity) { SingleWriter = true });
    private IConnectorHost? _host;
    private byte[] _encoded = new byte[4096];
    private byte[] _filtered = new byte[4096];
    private int _opens;
    private volatile bool _open;

    public SerialConnector(SerialOptions options, ISerialLine line, IMotePayload payload, TimeProvider time)
    {
        _line = line;
        _payload = payload;
        _time = time;
        var maxFrame = Math.Max(options.DownlinkLimit, 2048);
        (_decoder, _encoder) = options.Framing switch
        {
            SerialFraming.Hdlc => ((IFrameDecoder)new HdlcDecoder(maxFrame), (IFrameEncoder)new HdlcEncoder()),
            _ => (new SlipDecoder(maxFrame), new SlipEncoder()),
        };
        // With XON/XOFF flow a device's kernel takes bare XON/XOFF out and holds our output (termios IXON); a TCP line
        // has no kernel to do it, so the filter does it (without unescaping, unless asked) and tells the line.
        if (options.XonXoffEscape || options.Flow == Termios.Flow.XonXoff) _xonXoff = new XonXoffFilter(unescape: options.XonXoffEscape);
        if (_xonXoff is not null && options.Flow == Termios.Flow.XonXoff) _xonXoff.FlowChanged += line.FlowChanged;
    }

    public string Name => _line.Name;

    public string InterfaceName => "serial";

    public ChannelReader<Frame> Frames => _frames.Reader;

    /// <summary>How many times the line has been opened so far.</summary>
    public int Opens => Volatile.Read(ref _opens);

    /// <summary>Runs the line until cancelled (see <see cref="ISerialLine.RunAsync"/>), with a tick a second for the payload.</summary>
    public async Task RunAsync(IConnectorHost host, CancellationToken cancellationToken)
    {
        _host = host;
        using var stopTicking = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ticking = TickAsync(stopTicking.Token);
        try
        {
            await _line.RunAsync(OnBytes, OnOpened, () => _open = false, cancellationToken);
        }
        finally
        {
            await stopTicking.CancelAsync();
            await ticking;
            _frames.Writer.TryComplete();
        }
    }

    public Drop? CheckDownlink(ReadOnlySpan<byte> frame) => _payload.CheckDownlink(frame);

    public async ValueTask<Drop?> WriteAsync(Outbound frame, CancellationToken cancellationToken)
    {
        if (frame.Control) return Send(frame.Data);
        var plan = _payload.ToMote(frame.Data);
        if (plan.Refusal is { } refused) return refused;
        for (var i = 0; i < plan.Frames.Count; i++)
        {
            if (i > 0 && _payload.FrameSpacing > TimeSpan.Zero) await Task.Delay(_payload.FrameSpacing, _time, cancellationToken);
            if (Send(plan.Frames[i]) is { } failed) return failed;
        }
        return null;
    }

    public ValueTask DisposeAsync()
    {
        _frames.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    private void OnOpened()
    {
        _decoder.Reset();
        _xonXoff?.Reset();
        Interlocked.Increment(ref _opens);
        _open = true;
        _payload.OnOpened(this);
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                if (_open) _payload.OnTick(this);
        }
        catch (OperationCanceledException)
        {
        }
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

    /// <summary>Frames one payload and writes it; only the relay's writer calls this, one frame at a time.</summary>
    private Drop? Send(ReadOnlySpan<byte> payload)
    {
        var needed = _encoder.MaxEncodedLength(payload.Length);
        if (_encoded.Length < needed) _encoded = new byte[needed];
        var length = _encoder.Encode(payload, _encoded);
        return _line.Write(_encoded.AsSpan(0, length));
    }

    void IFrameSink.OnFrame(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> wire) => _payload.FromMote(payload, wire, this);

    void IFrameSink.OnDrop(FrameError error) => Drop(error switch
    {
        FrameError.BadFcs => new Drop(DropReason.BadFcs, "a frame from the mote"),
        FrameError.BadEscape => new Drop(DropReason.BadEscape, "a frame from the mote"),
        _ => new Drop(DropReason.Oversize, "a frame from the mote"),
    });

    void IMoteLink.Up(byte[] data, byte[]? wire)
    {
        if (!_frames.Writer.TryWrite(new Frame(data, _time.GetUtcNow(), wire)))
            Drop(new Drop(DropReason.UplinkOverflow, "the queue towards the bus is full"));
    }

    void IMoteLink.Reply(byte[] payload) => _host?.Send(new Outbound(payload, Control: true));

    void IMoteLink.Loop(byte[] packet) => _host?.Send(new Outbound(packet));

    void IMoteLink.Drop(Drop drop) => Drop(drop);

    void IMoteLink.Print(string text) => _host?.Printed(text);

    void IMoteLink.Changed() => _host?.Changed();

    private void Drop(Drop drop) => _host?.Dropped(drop);
}
