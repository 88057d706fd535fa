namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>
/// The serial echo that tells an OpenWSN mote on a port (OPENWSN.md C, C2): send <c>S + bytes</c>; the mote answers
/// <c>D | moteId16 | ASN | the same bytes</c>. OV sends 10 random bytes and accepts an exact match from offset 8.
/// </summary>
public sealed class EchoProbe
{
    /// <summary>SERFRAME_PC2MOTE_TRIGGERSERIALECHO.</summary>
    public const byte RequestType = (byte)'S';

    /// <summary>The reply comes as mote-to-PC data (openserial_printData).</summary>
    public const byte ReplyType = (byte)'D';

    /// <summary>OV's probe length (C2).</summary>
    public const int DefaultLength = 10;

    // 'S' + payload + 2-byte FCS must fit the mote's 199 usable input bytes (A).
    private const int MaxLength = 199 - 1 - 2;

    private readonly byte[] _payload;

    public EchoProbe(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty || payload.Length > MaxLength)
            throw new ArgumentOutOfRangeException(nameof(payload), payload.Length, $"an echo probe carries 1..{MaxLength} bytes");
        _payload = payload.ToArray();
    }

    /// <summary>A probe of <paramref name="length"/> bytes drawn from <paramref name="random"/>, as OV's SerialTester does.</summary>
    public static EchoProbe Create(Random random, int length = DefaultLength)
    {
        var payload = new byte[length];
        random.NextBytes(payload);
        return new EchoProbe(payload);
    }

    public ReadOnlyMemory<byte> Payload => _payload;

    /// <summary>The raw request frame <c>S | payload</c> (before HDLC).</summary>
    public byte[] Request() => [RequestType, .. _payload];

    /// <summary>True when <paramref name="rawFrame"/> is the echo of this probe: a <c>D</c> frame whose bytes from offset 8 equal the payload.</summary>
    public bool IsReply(ReadOnlySpan<byte> rawFrame) =>
        rawFrame.Length >= EchoProbeReply.HeaderLength && rawFrame[0] == ReplyType
        && rawFrame[EchoProbeReply.HeaderLength..].SequenceEqual(_payload);
}
