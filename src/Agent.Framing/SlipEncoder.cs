using System.Buffers;

namespace Agent.Framing;

/// <summary>
/// SLIP (RFC 1055) as tunslip6 and RIOT's slipdev speak it (PROTOCOL.md 8): END, the escaped payload, END.
/// </summary>
public sealed class SlipEncoder : IFrameEncoder
{
    internal const byte End = 0xC0;
    internal const byte Esc = 0xDB;
    internal const byte EscEnd = 0xDC;
    internal const byte EscEsc = 0xDD;
    internal const byte EscXon = 0xDE;
    internal const byte EscXoff = 0xDF;
    internal const byte Xon = 0x11;
    internal const byte Xoff = 0x13;

    private static readonly SearchValues<byte> Special = SearchValues.Create(End, Esc);
    private static readonly SearchValues<byte> SpecialWithXonXoff = SearchValues.Create(End, Esc, Xon, Xoff);

    private readonly SearchValues<byte> _special;

    /// <param name="escapeXonXoff">Also send 0x11 / 0x13 as DB DE / DB DF (tunslip6 -X), so that a line with
    /// software flow control never sees a bare XON or XOFF.</param>
    public SlipEncoder(bool escapeXonXoff = false)
    {
        EscapeXonXoff = escapeXonXoff;
        _special = escapeXonXoff ? SpecialWithXonXoff : Special;
    }

    public bool EscapeXonXoff { get; }

    /// <summary>Every byte escaped, plus the leading and trailing END.</summary>
    public int MaxEncodedLength(int payloadLength) => 2 * payloadLength + 2;

    public int Encode(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        if (destination.Length < MaxEncodedLength(payload.Length))
            throw new ArgumentException("The destination is shorter than MaxEncodedLength(payload.Length).", nameof(destination));

        // A leading END flushes line noise at the receiver (PROTOCOL.md 8).
        var n = 0;
        destination[n++] = End;
        while (true)
        {
            // Copy the run up to the next byte that needs escaping in one go.
            var i = payload.IndexOfAny(_special);
            if (i < 0)
            {
                payload.CopyTo(destination[n..]);
                n += payload.Length;
                break;
            }
            payload[..i].CopyTo(destination[n..]);
            n += i;
            destination[n++] = Esc;
            destination[n++] = payload[i] switch
            {
                End => EscEnd,
                Esc => EscEsc,
                Xon => EscXon,
                _ => EscXoff,
            };
            payload = payload[(i + 1)..];
        }
        destination[n++] = End;
        return n;
    }
}
