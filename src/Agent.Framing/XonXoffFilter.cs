using System.Buffers;

namespace Agent.Framing;

/// <summary>
/// Undoes OpenWSN's XON/XOFF sublayer, mote to host only (PROTOCOL.md 8), before the HDLC decoder sees the bytes:
/// <c>12 xx</c> becomes <c>xx XOR 10</c>, and bare XON (0x11) / XOFF (0x13) are taken out of the stream and
/// reported instead. An escape at the end of a chunk applies to the first byte of the next. Without unescaping it
/// does what termios IXON does for a serial device, for a line that has no kernel to do it (TCP): bare XON and XOFF
/// are taken out and reported, every other byte passes.
/// </summary>
public sealed class XonXoffFilter
{
    private const byte Xon = XonXoffEscaper.Xon;
    private const byte Escape = XonXoffEscaper.Escape;
    private const byte Xoff = XonXoffEscaper.Xoff;
    private const byte EscapeMask = XonXoffEscaper.Mask;

    private static readonly SearchValues<byte> EscapedSpecial = SearchValues.Create(Xon, Escape, Xoff);
    private static readonly SearchValues<byte> FlowSpecial = SearchValues.Create(Xon, Xoff);

    private readonly SearchValues<byte> _special;
    private bool _escaped;

    /// <param name="unescape">Undo <c>12 xx</c> (OpenWSN); false: only take out and report bare XON/XOFF.</param>
    public XonXoffFilter(bool unescape = true) => _special = unescape ? EscapedSpecial : FlowSpecial;

    /// <summary>Raised when the mote's flow state changes: true on XON (it may be sent to), false on XOFF (pause).</summary>
    public event Action<bool>? FlowChanged;

    /// <summary>True between an XOFF and the next XON.</summary>
    public bool Paused { get; private set; }

    /// <summary>Bare XON bytes seen (repeats included).</summary>
    public long XonCount { get; private set; }

    /// <summary>Bare XOFF bytes seen (repeats included).</summary>
    public long XoffCount { get; private set; }

    /// <summary>Writes the unescaped bytes of <paramref name="input"/> to <paramref name="output"/>, which must be at
    /// least as long as the input and may be the same memory (filtering in place); returns how many were written.</summary>
    public int Filter(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (output.Length < input.Length)
            throw new ArgumentException("The output is shorter than the input.", nameof(output));

        var n = 0;
        if (_escaped && !input.IsEmpty)
        {
            _escaped = false;
            output[n++] = (byte)(input[0] ^ EscapeMask);
            input = input[1..];
        }
        while (true)
        {
            // Copy the run up to the next special byte in one go.
            var i = input.IndexOfAny(_special);
            if (i < 0)
            {
                input.CopyTo(output[n..]);
                return n + input.Length;
            }
            input[..i].CopyTo(output[n..]);
            n += i;
            switch (input[i])
            {
                case Escape when i + 1 < input.Length:
                    output[n++] = (byte)(input[i + 1] ^ EscapeMask);
                    input = input[(i + 2)..];
                    continue;
                case Escape:
                    _escaped = true;
                    return n;
                case Xon:
                    XonCount++;
                    SetPaused(false);
                    break;
                default:
                    XoffCount++;
                    SetPaused(true);
                    break;
            }
            input = input[(i + 1)..];
        }
    }

    /// <summary>Forgets a pending escape and the flow state (after the device was reopened).</summary>
    public void Reset()
    {
        _escaped = false;
        Paused = false;
    }

    private void SetPaused(bool paused)
    {
        if (Paused == paused) return;
        Paused = paused;
        FlowChanged?.Invoke(!paused);
    }
}
