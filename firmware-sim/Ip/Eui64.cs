using System.Globalization;

namespace FirmwareSim.Ip;

/// <summary>
/// A mote's EUI-64 (--mac): its IEEE 802.15.4 extended address, and the source of its IPv6 interface identifier
/// (RFC 4291 2.5.1 and appendix A: the universal/local bit 0x02 of the first byte is inverted).
/// </summary>
public sealed class Eui64
{
    public const string DefaultText = "14:15:92:cc:00:00:00:01";

    private readonly byte[] _bytes;

    /// <summary>The MAC of a mote given neither --mac nor --address.</summary>
    public static Eui64 Default { get; } = Parse(DefaultText);

    public Eui64(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 8) throw new ArgumentException("An EUI-64 has 8 bytes.", nameof(bytes));
        _bytes = bytes.ToArray();
    }

    /// <summary>The 8 bytes as written, most significant first.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>The IPv6 interface identifier: the EUI-64 with the universal/local bit inverted.</summary>
    public byte[] InterfaceIdentifier()
    {
        var iid = _bytes.ToArray();
        iid[0] ^= 0x02;
        return iid;
    }

    /// <summary>The extended address as it is sent in an 802.15.4 frame: least significant byte first.</summary>
    public byte[] OnAir()
    {
        var air = _bytes.ToArray();
        Array.Reverse(air);
        return air;
    }

    /// <summary>
    /// Parses 8 bytes (an EUI-64) or 6 bytes (an EUI-48, widened with FF FE in the middle, RFC 4291 appendix A),
    /// written as hex pairs separated by ':' or '-', or not separated.
    /// </summary>
    public static bool TryParse(string text, out Eui64? eui64)
    {
        eui64 = null;
        var hex = text.Replace(":", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        var separated = hex.Length != text.Length;
        if (separated && text.Split(':', '-').Any(part => part.Length != 2)) return false;
        if (hex.Length is not (16 or 12)) return false;
        var bytes = new byte[hex.Length / 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            if (!byte.TryParse(hex.AsSpan(2 * i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[i])) return false;
        }
        eui64 = bytes.Length == 8
            ? new Eui64(bytes)
            : new Eui64([bytes[0], bytes[1], bytes[2], 0xFF, 0xFE, bytes[3], bytes[4], bytes[5]]);
        return true;
    }

    public static Eui64 Parse(string text) =>
        TryParse(text, out var eui64) ? eui64! : throw new FormatException($"'{text}' is not an EUI-64 such as {DefaultText}");

    public override string ToString() => string.Join(':', _bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
}
