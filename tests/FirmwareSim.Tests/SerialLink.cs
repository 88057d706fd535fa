using Agent.Testing;
using System.IO.Ports;
using Agent.Framing;

namespace FirmwareSim.Tests;

/// <summary>The host's side of the mote's serial line, through System.IO.Ports as the agent opens it, or a TCP stream.</summary>
internal sealed class SerialLink : IDisposable
{
    private readonly IDisposable _port;
    private readonly Stream _stream;
    private readonly IFrameEncoder _encoder;
    private readonly IFrameDecoder _decoder;
    private readonly FrameCollector _sink = new();
    private readonly byte[] _buffer = new byte[4096];
    private readonly XonXoffFilter? _xonXoff;
    private int _taken;

    /// <param name="xonXoff">Undo OpenWSN's XON/XOFF sublayer before the decoder (mote to host only).</param>
    public SerialLink(string path, FramingKind framing, bool xonXoff = false)
        : this(OpenPort(path), framing, xonXoff)
    {
    }

    /// <summary>Over a stream (a TCP connection to the mote), which the link then owns.</summary>
    public SerialLink(Stream stream, FramingKind framing, bool xonXoff = false)
        : this((stream, stream), framing, xonXoff)
    {
    }

    private SerialLink((Stream Stream, IDisposable Owner) port, FramingKind framing, bool xonXoff)
    {
        _port = port.Owner;
        _stream = port.Stream;
        _xonXoff = xonXoff ? new XonXoffFilter() : null;
        (_encoder, _decoder) = framing == FramingKind.Slip
            ? ((IFrameEncoder)new SlipEncoder(), (IFrameDecoder)new SlipDecoder())
            : (new HdlcEncoder(), new HdlcDecoder());
    }

    private static (Stream, IDisposable) OpenPort(string path)
    {
        // DTR and RTS stay off: setting them on a pseudo-terminal throws (STACK.md).
        var port = new SerialPort(path, 115200) { DtrEnable = false, RtsEnable = false, Handshake = Handshake.None };
        port.Open();
        return (port.BaseStream, port);
    }

    /// <summary>Bare XOFF bytes seen (with an XON/XOFF link).</summary>
    public long XoffCount => _xonXoff?.XoffCount ?? 0;

    /// <summary>Bare XON bytes seen (with an XON/XOFF link).</summary>
    public long XonCount => _xonXoff?.XonCount ?? 0;

    public async Task SendAsync(byte[] payload)
    {
        await _stream.WriteAsync(FrameStreams.Encode(_encoder, payload));
        await _stream.FlushAsync();
    }

    /// <summary>The next frame (skipping those that do not match) within the timeout.</summary>
    public async Task<byte[]> ReceiveAsync(Func<byte[], bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            while (_taken < _sink.Frames.Count)
            {
                var frame = _sink.Frames[_taken++];
                if (match(frame)) return frame;
            }
            int n;
            try
            {
                n = await _stream.ReadAsync(_buffer, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no matching frame within {timeout}; got {_sink.Frames.Count} frames: " +
                    string.Join(", ", _sink.Frames.Select(f => Convert.ToHexString(f.AsSpan(0, Math.Min(f.Length, 8))))));
            }
            if (n == 0) throw new EndOfStreamException("the serial port returned end of stream");
            if (_xonXoff is not null) n = _xonXoff.Filter(_buffer.AsSpan(0, n), _buffer);
            _decoder.Decode(_buffer.AsSpan(0, n), _sink);
        }
    }

    /// <summary>Reads until the port fails or ends (the mote was unplugged); false if it is still alive after the timeout.</summary>
    public async Task<bool> FailsWithinAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await _stream.ReadAsync(_buffer, cts.Token) > 0)
            {
            }
            return true;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    public void Dispose()
    {
        try
        {
            _port.Dispose();
        }
        catch (IOException)
        {
            // The device is gone already.
        }
    }
}
