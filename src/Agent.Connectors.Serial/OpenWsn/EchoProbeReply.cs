using System.Buffers.Binary;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>
/// A mote's answer to a serial echo: <c>D | moteId16 | ASN(5, little-endian) | echoed bytes</c>, the <c>D</c> type with
/// no address fields (OPENWSN.md B.1, C2), so only meaningful while a probe is in progress.
/// </summary>
public readonly record struct EchoProbeReply(ushort MoteId, ulong Asn, ReadOnlyMemory<byte> Echoed)
{
    /// <summary>Type, moteId16 and ASN before the echoed bytes (OV's SerialTester compares from offset 8).</summary>
    public const int HeaderLength = 1 + 2 + 5;

    public static bool TryParse(ReadOnlySpan<byte> rawFrame, out EchoProbeReply reply)
    {
        reply = default;
        if (rawFrame.Length < HeaderLength || rawFrame[0] != EchoProbe.ReplyType) return false;
        // moteId16 is EUI-64 bytes 6, 7 in order (B); the ASN is 40-bit little-endian (B.1).
        var moteId = BinaryPrimitives.ReadUInt16BigEndian(rawFrame[1..]);
        var asn = BinaryPrimitives.ReadUInt32LittleEndian(rawFrame[3..]) | (ulong)rawFrame[7] << 32;
        reply = new EchoProbeReply(moteId, asn, rawFrame[HeaderLength..].ToArray());
        return true;
    }
}
