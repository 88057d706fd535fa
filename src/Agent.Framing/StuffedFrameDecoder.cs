namespace Agent.Framing;

/// <summary>
/// The state machine of a byte-stuffed framing (SLIP, HDLC): a delimiter closes one frame and opens the next, an
/// escape byte stands for the byte after it, empty frames are ignored, and after a drop the decoder skips to the next
/// delimiter. It consumes chunks of any size with no per-byte allocation; a frame wholly inside one chunk is handed
/// over without a copy. What an escape means and what makes a frame good is the framing's own.
/// </summary>
public abstract class StuffedFrameDecoder : IFrameDecoder
{
    private readonly byte _delimiter;
    private readonly byte _escape;
    private readonly bool _skipAtStart;
    private readonly FrameBuffer _content; // unescaped
    private readonly FrameBuffer _wire; // the frame's wire bytes from earlier chunks
    private bool _escaped;
    private bool _skipping; // waiting for a delimiter: after a drop (and at start, if the framing says so)

    /// <param name="skipAtStart">True when bytes before the first delimiter are the tail of a frame whose start was missed.</param>
    protected StuffedFrameDecoder(byte delimiter, byte escape, int contentLimit, int wireLimit, bool skipAtStart)
    {
        _delimiter = delimiter;
        _escape = escape;
        _skipAtStart = skipAtStart;
        _skipping = skipAtStart;
        _content = new FrameBuffer(contentLimit);
        _wire = new FrameBuffer(wireLimit);
    }

    public void Reset()
    {
        BeginFrame();
        _skipping = _skipAtStart;
    }

    public void Decode(ReadOnlySpan<byte> input, IFrameSink sink)
    {
        var start = 0; // where the current frame's wire bytes begin in this chunk
        var i = 0;
        while (i < input.Length)
        {
            if (_skipping)
            {
                var delimiter = input[i..].IndexOf(_delimiter);
                if (delimiter < 0) return;
                i += delimiter;
                _skipping = false;
                BeginFrame();
                start = i++; // this delimiter opens the next frame
                continue;
            }

            if (_escaped)
            {
                _escaped = false;
                if (!TryUnescape(input[i], out var b))
                {
                    // Not consumed: a delimiter here still closes this frame and opens the next.
                    Drop(sink, FrameError.BadEscape);
                    continue;
                }
                i++;
                if (!_content.TryAppend(b)) Drop(sink, FrameError.Oversize);
                continue;
            }

            var rest = input[i..];
            var special = rest.IndexOfAny(_delimiter, _escape);
            var run = special < 0 ? rest.Length : special;
            if (!_content.TryAppend(rest[..run]))
            {
                Drop(sink, FrameError.Oversize);
                i += run;
                continue;
            }
            i += run;
            if (special < 0) break;

            if (input[i] == _escape)
            {
                _escaped = true;
                i++;
                continue;
            }

            // A delimiter closes this frame and, shared, opens the next one: it belongs to both wires.
            if (_content.Length > 0) Deliver(input[start..(i + 1)], sink);
            BeginFrame();
            start = i++;
        }

        if (!_skipping && start < input.Length && !_wire.TryAppend(input[start..]))
            Drop(sink, FrameError.Oversize); // cannot happen while the content fits; kept as a guard
    }

    /// <summary>The byte an escape followed by <paramref name="escaped"/> stands for; false when nothing may follow an escape so.</summary>
    protected abstract bool TryUnescape(byte escaped, out byte value);

    /// <summary>Checks one non-empty frame and hands its payload to <paramref name="sink"/>, or reports why not.</summary>
    protected abstract void Complete(ReadOnlySpan<byte> content, ReadOnlySpan<byte> wire, IFrameSink sink);

    private void Deliver(ReadOnlySpan<byte> wireInChunk, IFrameSink sink)
    {
        if (_wire.Length == 0) Complete(_content.Span, wireInChunk, sink);
        else if (_wire.TryAppend(wireInChunk)) Complete(_content.Span, _wire.Span, sink);
        else sink.OnDrop(FrameError.Oversize);
    }

    private void BeginFrame()
    {
        _content.Clear();
        _wire.Clear();
        _escaped = false;
    }

    private void Drop(IFrameSink sink, FrameError error)
    {
        _skipping = true;
        BeginFrame();
        sink.OnDrop(error);
    }
}
