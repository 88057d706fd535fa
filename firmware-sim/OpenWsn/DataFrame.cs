namespace FirmwareSim.OpenWsn;

/// <summary>
/// Mote -> PC <c>D</c> frames (FW openserial_printData, openbridge_receive, OPENWSN.md B.1): the type, the root's
/// 16-bit id, the ASN as 5 little-endian bytes, then either the root's and the previous hop's EUI-64 and the
/// 6LoWPAN datagram as received over the radio, or (serial echo) just the echoed bytes.
/// </summary>
public static class DataFrame
{
    public const int BridgedHeaderLength = 24;

    public static byte[] Bridged(ReadOnlySpan<byte> moteId, long asn, ReadOnlySpan<byte> rootEui64, ReadOnlySpan<byte> previousHop, ReadOnlySpan<byte> lowpan) =>
        [.. Header(moteId, asn), .. rootEui64, .. previousHop, .. lowpan];

    public static byte[] EchoReply(ReadOnlySpan<byte> moteId, long asn, ReadOnlySpan<byte> echoed) =>
        [.. Header(moteId, asn), .. echoed];

    // asn[0..1] = bytes0and1 LE, asn[2..3] = bytes2and3 LE, asn[4] = byte4 (FW ieee154e_getAsn): 40-bit LE.
    private static byte[] Header(ReadOnlySpan<byte> moteId, long asn) =>
        [FrameType.Data, moteId[0], moteId[1], (byte)asn, (byte)(asn >> 8), (byte)(asn >> 16), (byte)(asn >> 24), (byte)(asn >> 32)];
}
