
namespace Agent.Framing;

/// <summary>
/// SLIP (RFC 1055) decoder (PROTOCOL.md 8). Frames may come with or without a leading END; empty frames are
/// ignored; an ESC followed by anything but DC, DD, DE or DF drops its frame; a frame longer than the limit is
/// dropped. After a drop it resynchronises at the next END.
/// </summary>
public sealed class SlipDecoder : IFrameDecoder
{
    private const byte End = SlipEncoder.End;
    private const byte Esc = SlipEncoder.Esc;

    private readonly FrameBuffer _payload;
    // The frame's wire bytes from earlier chunks; a frame wholly inside one chunk is handed over without a copy.
    private readonly FrameBuffer _wire;
    private bool _escaped;
    private bool _discarding;

    /// <param name="maxPayloadLength">The longest payload delivered; longer frames are dropped as oversize.</param>
    public SlipDecoder(int maxPayloadLength = 2048)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayloadLength, 1);
        MaxPayloadLength = maxPayloadLength;
        _payload = new FrameBuffer(maxPayloadLength);
        // A leading END, every byte escaped, a pending ESC or the trailing END.
        _wire = new FrameBuffer(2 * maxPayloadLength + 2);
    }

    public int MaxPayloadLength { get; }

    public void Reset()
    {
        _payload.Clear();
        _wire.Clear();
        _escaped = false;
        _discarding = false;
    }

    public void Decode(ReadOnlySpan<byte> input, IFrameSink sink)
    {
        var start = 0; // where the current frame's wire bytes begin in this chunk
        var i = 0;
        while (i < input.Length)
        {
            if (_discarding)
            {
                var end = input[i..].IndexOf(End);
                if (end < 0) return;
                i += end;
                _discarding = false;
                BeginFrame();
                start = i++; // this END opens the next frame
                continue;
            }

            if (_escaped)
            {
                _escaped = false;
                if (!TryUnescape(input[i], out var b))
                {
                    // Not consumed: an END here still closes this frame and opens the next.
                    Drop(sink, FrameError.BadEscape);
                    continue;
                }
                i++;
                if (!_payload.TryAppend(b)) Drop(sink, FrameError.Oversize);
                continue;
            }

            var rest = input[i..];
            var special = rest.IndexOfAny(End, Esc);
            var run = special < 0 ? rest.Length : special;
            if (!_payload.TryAppend(rest[..run]))
            {
                Drop(sink, FrameError.Oversize);
                i += run;
                continue;
            }
            i += run;
            if (special < 0) break;

            if (input[i] == Esc)
            {
                _escaped = true;
                i++;
                continue;
            }

            // END closes this frame and, shared, opens the next one: it belongs to both wires.
            if (_payload.Length > 0) Deliver(input[start..(i + 1)], sink);
            BeginFrame();
            start = i++;
        }

        if (!_discarding && start < input.Length && !_wire.TryAppend(input[start..]))
            Drop(sink, FrameError.Oversize); // cannot happen while the payload fits; kept as a guard
    }

    private void Deliver(ReadOnlySpan<byte> wireInChunk, IFrameSink sink)
    {
        if (_wire.Length == 0)
        {
            sink.OnFrame(_payload.Span, wireInChunk);
        }
        else if (_wire.TryAppend(wireInChunk))
        {
            sink.OnFrame(_payload.Span, _wire.Span);
        }
        else
        {
            sink.OnDrop(FrameError.Oversize);
        }
    }

    private void BeginFrame()
    {
        _payload.Clear();
        _wire.Clear();
        _escaped = false;
    }

    private void Drop(IFrameSink sink, FrameError error)
    {
        _discarding = true;
        BeginFrame();
        sink.OnDrop(error);
    }

    private static bool TryUnescape(byte escaped, out byte value)
    {
        value = escaped switch
        {
            SlipEncoder.EscEnd => End,
            SlipEncoder.EscEsc => Esc,
            // tunslip6 -X escapes; accepted whether or not our encoder uses them.
            SlipEncoder.EscXon => SlipEncoder.Xon,
            SlipEncoder.EscXoff => SlipEncoder.Xoff,
            _ => 0,
        };
        return escaped is >= SlipEncoder.EscEnd and <= SlipEncoder.EscXoff;
    }
}
