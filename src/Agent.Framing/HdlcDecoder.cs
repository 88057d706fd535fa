
namespace Agent.Framing;

/// <summary>
/// HDLC-like decoder (PROTOCOL.md 8). Every flag closes a frame and opens the next; 0x7D before any byte but a flag
/// unescapes it; every frame's FCS-16 is checked. Bytes before the first flag (the tail of a frame whose start
/// was missed) are skipped silently, as are empty frames (7E 7E). A frame of only a good FCS has an empty payload.
/// </summary>
public sealed class HdlcDecoder : IFrameDecoder
{
    private const byte Flag = HdlcEncoder.Flag;
    private const byte Escape = HdlcEncoder.Escape;
    private const int FcsLength = 2;

    private readonly FrameBuffer _content; // payload and FCS, unescaped
    // The frame's wire bytes from earlier chunks; a frame wholly inside one chunk is handed over without a copy.
    private readonly FrameBuffer _wire;
    private bool _escaped;
    private bool _hunting = true; // waiting for a flag: at start, after Reset and after a drop

    /// <param name="maxPayloadLength">The longest payload delivered; longer frames are dropped as oversize.</param>
    public HdlcDecoder(int maxPayloadLength = 2048)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxPayloadLength);
        MaxPayloadLength = maxPayloadLength;
        _content = new FrameBuffer(maxPayloadLength + FcsLength);
        // Two flags, every content byte escaped.
        _wire = new FrameBuffer(2 * (maxPayloadLength + FcsLength) + 2);
    }

    public int MaxPayloadLength { get; }

    public void Reset()
    {
        BeginFrame();
        _hunting = true;
    }

    public void Decode(ReadOnlySpan<byte> input, IFrameSink sink)
    {
        var start = 0; // where the current frame's wire bytes begin in this chunk
        var i = 0;
        while (i < input.Length)
        {
            if (_hunting)
            {
                var flag = input[i..].IndexOf(Flag);
                if (flag < 0) return;
                i += flag;
                _hunting = false;
                BeginFrame();
                start = i++; // this flag opens the next frame
                continue;
            }

            if (_escaped)
            {
                _escaped = false;
                if (input[i] == Flag)
                {
                    // Not consumed: the flag still opens the next frame.
                    Drop(sink, FrameError.BadEscape);
                    continue;
                }
                if (!_content.TryAppend((byte)(input[i] ^ HdlcEncoder.EscapeMask))) Drop(sink, FrameError.Oversize);
                i++;
                continue;
            }

            var rest = input[i..];
            var special = rest.IndexOfAny(Flag, Escape);
            var run = special < 0 ? rest.Length : special;
            if (!_content.TryAppend(rest[..run]))
            {
                Drop(sink, FrameError.Oversize);
                i += run;
                continue;
            }
            i += run;
            if (special < 0) break;

            if (input[i] == Escape)
            {
                _escaped = true;
                i++;
                continue;
            }

            // A flag closes this frame and, shared, opens the next one: it belongs to both wires.
            if (_content.Length > 0) Complete(input[start..(i + 1)], sink);
            BeginFrame();
            start = i++;
        }

        if (!_hunting && start < input.Length && !_wire.TryAppend(input[start..]))
            Drop(sink, FrameError.Oversize); // cannot happen while the content fits; kept as a guard
    }

    private void Complete(ReadOnlySpan<byte> wireInChunk, IFrameSink sink)
    {
        var content = _content.Span;
        if (content.Length < FcsLength || Fcs16.Update(Fcs16.Initial, content) != Fcs16.GoodResidue)
        {
            sink.OnDrop(FrameError.BadFcs);
            return;
        }
        var payload = content[..^FcsLength];
        if (_wire.Length == 0)
        {
            sink.OnFrame(payload, wireInChunk);
        }
        else if (_wire.TryAppend(wireInChunk))
        {
            sink.OnFrame(payload, _wire.Span);
        }
        else
        {
            sink.OnDrop(FrameError.Oversize);
        }
    }

    private void BeginFrame()
    {
        _content.Clear();
        _wire.Clear();
        _escaped = false;
    }

    private void Drop(IFrameSink sink, FrameError error)
    {
        _hunting = true;
        BeginFrame();
        sink.OnDrop(error);
    }
}
