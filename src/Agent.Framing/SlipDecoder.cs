namespace Agent.Framing;

/// <summary>
/// SLIP (RFC 1055) decoder (PROTOCOL.md 8). Frames may come with or without a leading END; empty frames are
/// ignored; an ESC followed by anything but DC, DD, DE or DF drops its frame; a frame longer than the limit is
/// dropped. After a drop it resynchronises at the next END.
/// </summary>
public sealed class SlipDecoder : StuffedFrameDecoder
{
    /// <param name="maxPayloadLength">The longest payload delivered; longer frames are dropped as oversize.</param>
    public SlipDecoder(int maxPayloadLength = 2048)
        // On the wire a leading END, every byte escaped, a pending ESC or the trailing END.
        : base(SlipEncoder.End, SlipEncoder.Esc, Checked(maxPayloadLength), 2 * maxPayloadLength + 2, skipAtStart: false)
    {
        MaxPayloadLength = maxPayloadLength;
    }

    public int MaxPayloadLength { get; }

    protected override void Complete(ReadOnlySpan<byte> content, ReadOnlySpan<byte> wire, IFrameSink sink) => sink.OnFrame(content, wire);

    private static int Checked(int maxPayloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayloadLength, 1);
        return maxPayloadLength;
    }

    protected override bool TryUnescape(byte escaped, out byte value)
    {
        value = escaped switch
        {
            SlipEncoder.EscEnd => SlipEncoder.End,
            SlipEncoder.EscEsc => SlipEncoder.Esc,
            // tunslip6 -X escapes; accepted whether or not our encoder uses them.
            SlipEncoder.EscXon => SlipEncoder.Xon,
            SlipEncoder.EscXoff => SlipEncoder.Xoff,
            _ => 0,
        };
        return escaped is >= SlipEncoder.EscEnd and <= SlipEncoder.EscXoff;
    }
}
