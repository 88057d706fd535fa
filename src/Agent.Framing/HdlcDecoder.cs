namespace Agent.Framing;

/// <summary>
/// HDLC-like decoder (PROTOCOL.md 8). Every flag closes a frame and opens the next; 0x7D before any byte but a flag
/// unescapes it; every frame's FCS-16 is checked. Bytes before the first flag (the tail of a frame whose start
/// was missed) are skipped silently, as are empty frames (7E 7E). A frame of only a good FCS has an empty payload.
/// </summary>
public sealed class HdlcDecoder : StuffedFrameDecoder
{
    private const int FcsLength = 2;

    /// <param name="maxPayloadLength">The longest payload delivered; longer frames are dropped as oversize.</param>
    public HdlcDecoder(int maxPayloadLength = 2048)
        // Content is payload and FCS; on the wire two flags and every content byte escaped.
        : base(HdlcEncoder.Flag, HdlcEncoder.Escape, Checked(maxPayloadLength) + FcsLength, 2 * (maxPayloadLength + FcsLength) + 2,
            skipAtStart: true)
    {
        MaxPayloadLength = maxPayloadLength;
    }

    public int MaxPayloadLength { get; }

    protected override bool TryUnescape(byte escaped, out byte value)
    {
        value = (byte)(escaped ^ HdlcEncoder.EscapeMask);
        return escaped != HdlcEncoder.Flag;
    }

    protected override void Complete(ReadOnlySpan<byte> content, ReadOnlySpan<byte> wire, IFrameSink sink)
    {
        if (content.Length < FcsLength || Fcs16.Update(Fcs16.Initial, content) != Fcs16.GoodResidue)
            sink.OnDrop(FrameError.BadFcs);
        else
            sink.OnFrame(content[..^FcsLength], wire);
    }

    private static int Checked(int maxPayloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxPayloadLength);
        return maxPayloadLength;
    }
}
