using Agent.Framing;
using FirmwareSim.Faults;
using FirmwareSim.OpenWsn;
using FirmwareSim.Pty;
using FirmwareSim.Stack;
using FirmwareSim.Uart;

namespace FirmwareSim;

/// <summary>
/// One mote from power-on to unplug: a fresh port (a pseudo-terminal behind the link, or a TCP listener), a freshly
/// booted stack, a reader thread that decodes what the agent writes, a paced transmitter, and a timer for what the
/// mote says unasked.
/// </summary>
public sealed class MoteSession : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly object _gate = new(); // serialises the decoder, the stack, the encoder and the faults
    private readonly MoteSettings _settings;
    private readonly EventLog _log;
    private readonly IMotePort _port;
    private readonly IMoteStack _stack;
    private readonly IFrameDecoder _decoder;
    private readonly IFrameEncoder _encoder;
    private readonly FaultInjector _faults;
    private readonly UartTransmitter _transmitter;
    private readonly Thread _reader;
    private readonly ITimer _poller;
    private readonly Sink _sink;
    private readonly bool _xonXoff; // OpenWSN boards: XON/XOFF sublayer under HDLC, a pause around every slot
    private long _decoderDrops;
    private bool _stopped;

    private MoteSession(MoteSettings settings, EventLog log, TimeProvider time, Random random, IMotePort port)
    {
        _settings = settings;
        _log = log;
        _port = port;
        _stack = settings.Payload switch
        {
            PayloadKind.Ip => new IpMoteStack(settings.Identity, settings.TextEvery, time, log, settings.Text),
            PayloadKind.Ieee802154 => new Ieee802154MoteStack(settings.Identity, log),
            _ => OpenWsnMoteStack.Create(settings.Identity.Mac.Bytes, settings.OpenWsn, random, time, log),
        };
        _xonXoff = settings.Payload == PayloadKind.OpenWsn;
        (_encoder, _decoder) = settings.Framing == FramingKind.Slip
            ? ((IFrameEncoder)new SlipEncoder(), (IFrameDecoder)new SlipDecoder())
            : (new HdlcEncoder(), new HdlcDecoder());
        _faults = new FaultInjector(settings.Framing, settings.GarbageEvery, settings.CorruptEvery, random,
            unknownFirstByteGarbage: settings.Payload == PayloadKind.Ip);
        _sink = new Sink(this);
        _transmitter = new UartTransmitter(port, settings.Baud, time);
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "pty-reader" };
        _reader.Start();
        // An OpenWSN mote lives by 20 ms TSCH slots: its stack is polled once a slot, and each poll ends a slot.
        var interval = _xonXoff ? AsnClock.SlotDuration : PollInterval;
        _poller = time.CreateTimer(_ => PollStack(), null, TimeSpan.Zero, interval);
    }

    /// <summary>Where the host reaches it, for the start line.</summary>
    public string PortDescription => _port.Description;

    /// <summary>Plugs the mote in on <paramref name="port"/> (which it then owns) and boots the stack.</summary>
    public static MoteSession Start(MoteSettings settings, IMotePort port, EventLog log, TimeProvider time, Random random)
    {
        try
        {
            return new MoteSession(settings, log, time, random, port);
        }
        catch
        {
            port.Dispose();
            throw;
        }
    }

    /// <summary>One line about what this mote has done (for the unplug and exit lines).</summary>
    public string Summary()
    {
        lock (_gate)
        {
            var c = _stack.Counters;
            return $"{c.FramesReceived} frames in, {_faults.FramesSent} frames out, {c.EchoReplies} echo replies, {c.UdpEchoes} udp echoes, " +
                $"{c.Ignored} ignored, {_decoderDrops} undecodable, {_faults.FramesCorrupted} corrupted and {_faults.GarbageBursts} garbage sent on purpose, " +
                $"{_port.DiscardedBytes} bytes unread by the host dropped, {_transmitter.Overflows} frames over the transmit queue";
        }
    }

    /// <summary>Unplugs: stops the threads and closes the port (a pseudo-terminal's link goes, the agent's reads fail).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopped) return;
            _stopped = true;
        }
        _poller.Dispose();
        _port.Interrupt();
        _reader.Join();
        _transmitter.Dispose();
        _port.Dispose();
    }

    private void ReadLoop()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = _port.Read(buffer);
                if (n == 0) return;
                lock (_gate)
                {
                    if (_stopped) return;
                    _decoder.Decode(buffer.AsSpan(0, n), _sink);
                }
            }
        }
        catch (PtyException e)
        {
            _log.Line($"reader stopped: {e.Message}");
        }
    }

    private void PollStack()
    {
        lock (_gate)
        {
            if (_stopped) return;
            foreach (var frame in _stack.Poll()) Send(frame);
            // FW openserial_inhibitStart/Stop: a bare XOFF/XON pair between frames at every slot boundary.
            if (_xonXoff && !_transmitter.Send(XonXoffEscaper.SlotPause))
                _log.Event("overflow", "transmit queue full: XOFF/XON dropped");
        }
    }

    // Under _gate.
    private void Send(ReadOnlySpan<byte> payload)
    {
        var wire = new byte[_encoder.MaxEncodedLength(payload.Length)];
        var length = _encoder.Encode(payload, wire);
        var line = _faults.Apply(wire.AsSpan(0, length));
        // Escaped after the faults, as the UART driver escapes whatever openserial hands it, noise included.
        if (_xonXoff) line = XonXoffEscaper.Apply(line);
        if (!_transmitter.Send(line))
            _log.Event("overflow", "transmit queue full: frame dropped (is the baud rate too low for the traffic?)");
    }

    // Called by the decoder, under _gate.
    private void OnFrame(ReadOnlySpan<byte> payload)
    {
        foreach (var reply in _stack.Receive(payload)) Send(reply);
    }

    // Called by the decoder, under _gate.
    private void OnDrop(FrameError error)
    {
        _decoderDrops++;
        _log.Event("undecodable", $"undecodable bytes from the host dropped: {error}");
        foreach (var reply in _stack.Undecodable(error)) Send(reply);
    }

    private sealed class Sink(MoteSession session) : IFrameSink
    {
        public void OnFrame(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> wire) => session.OnFrame(payload);

        public void OnDrop(FrameError error) => session.OnDrop(error);
    }
}
