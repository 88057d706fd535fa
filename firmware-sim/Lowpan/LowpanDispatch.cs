namespace FirmwareSim.Lowpan;

/// <summary>
/// The first bytes that tell 6LoWPAN headers apart, limited to those OpenWSN puts on its links (OPENWSN.md D.2):
/// fragments (RFC 4944), the page-1 dispatch and its 6LoRHs (RFC 8138), and IPHC (RFC 6282).
/// </summary>
public static class LowpanDispatch
{
    public const byte Page1 = 0xF1;

    /// <summary>11000xxx: first fragment.</summary>
    public const byte Frag1 = 0xC0;

    /// <summary>11100xxx: subsequent fragment.</summary>
    public const byte FragN = 0xE0;

    /// <summary>011xxxxx: IPHC.</summary>
    public const byte Iphc = 0x60;

    /// <summary>100xxxxx after page 1: critical 6LoRH (RH3 types 0..4, RPI type 5).</summary>
    public const byte Critical6LoRH = 0x80;

    /// <summary>101xxxxx after page 1: elective 6LoRH (IPinIP type 6, Deadline type 7).</summary>
    public const byte Elective6LoRH = 0xA0;

    public const byte TypeRpi = 5;
    public const byte TypeIpInIp = 6;
    public const byte TypeDeadline = 7;

    public static bool IsFrag1(byte first) => (first & 0xF8) == Frag1;

    public static bool IsFragN(byte first) => (first & 0xF8) == FragN;

    public static bool IsIphc(byte first) => (first & 0xE0) == Iphc;

    public static bool IsCritical6LoRH(byte first) => (first & 0xE0) == Critical6LoRH;

    public static bool IsElective6LoRH(byte first) => (first & 0xE0) == Elective6LoRH;
}
