using System.Buffers;

namespace Agent.Framing;

/// <summary>
/// HDLC-like framing of OpenWSN (OpenHDLC) and OpenThread (HDLC-lite), PROTOCOL.md 8: flag, the payload and its
/// FCS-16 (low byte first) with 0x7E / 0x7D sent as 7D, byte XOR 0x20, flag. No address or control bytes.
/// </summary>
public sealed class HdlcEncoder : IFrameEncoder
{
    internal const byte Flag = 0x7E;
    internal const byte Escape = 0x7D;
    internal const byte EscapeMask = 0x20;

    private static readonly SearchValues<byte> Special = SearchValues.Create(Flag, Escape);
    // OpenThread's spinel HDLC-lite also escapes XON, XOFF and 0xF8 (its vendor-specific flag).
    private static readonly SearchValues<byte> SpecialOpenThread = SearchValues.Create(Flag, Escape, 0x11, 0x13, 0xF8);

    private readonly SearchValues<byte> _special;

    /// <param name="openThreadEscapes">Also escape 0x11, 0x13 and 0xF8 as OpenThread does; off for OpenWSN, whose
    /// vectors escape only 0x7E and 0x7D.</param>
    public HdlcEncoder(bool openThreadEscapes = false)
    {
        OpenThreadEscapes = openThreadEscapes;
        _special = openThreadEscapes ? SpecialOpenThread : Special;
    }

    public bool OpenThreadEscapes { get; }

    /// <summary>Every byte of payload and FCS escaped, plus two flags.</summary>
    public int MaxEncodedLength(int payloadLength) => 2 * (payloadLength + 2) + 2;

    public int Encode(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        if (destination.Length < MaxEncodedLength(payload.Length))
            throw new ArgumentException("The destination is shorter than MaxEncodedLength(payload.Length).", nameof(destination));

        var fcs = Fcs16.Compute(payload);
        ReadOnlySpan<byte> fcsBytes = [(byte)fcs, (byte)(fcs >> 8)];

        var n = 0;
        destination[n++] = Flag;
        n += WriteEscaped(payload, destination[n..]);
        n += WriteEscaped(fcsBytes, destination[n..]);
        destination[n++] = Flag;
        return n;
    }

    private int WriteEscaped(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var n = 0;
        while (true)
        {
            // Copy the run up to the next byte that needs escaping in one go.
            var i = data.IndexOfAny(_special);
            if (i < 0)
            {
                data.CopyTo(destination[n..]);
                return n + data.Length;
            }
            data[..i].CopyTo(destination[n..]);
            n += i;
            destination[n++] = Escape;
            destination[n++] = (byte)(data[i] ^ EscapeMask);
            data = data[(i + 1)..];
        }
    }
}
