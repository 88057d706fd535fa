using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using Agent.Core.Addressing;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>
/// A mote's IEEE EUI-64, held as the 8 bytes in transmission order read big-endian
/// (<c>14-15-92-cc-00-00-00-02</c> is <c>0x141592cc00000002</c>).
/// </summary>
public readonly record struct Eui64(ulong Value)
{
    public const int Length = 8;

    /// <summary>Reads 8 bytes in transmission order (OPENWSN.md conventions: EUI-64s are in transmission order).</summary>
    public static Eui64 Read(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= Length
            ? new Eui64(BinaryPrimitives.ReadUInt64BigEndian(bytes))
            : throw new ArgumentException($"an EUI-64 needs {Length} bytes, got {bytes.Length}", nameof(bytes));

    /// <summary>Accepts <c>14-15-92-cc-00-00-00-02</c>, the same with <c>:</c>, or 16 hex digits.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Eui64 eui64)
    {
        eui64 = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        if (s.Length == 23)
        {
            var separator = s[2];
            if (separator is not ('-' or ':')) return false;
            for (var i = 2; i < s.Length; i += 3)
                if (s[i] != separator) return false;
            s = s.Replace(separator.ToString(), "", StringComparison.Ordinal);
        }
        if (s.Length != 16) return false;
        if (!ulong.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)) return false;
        eui64 = new Eui64(value);
        return true;
    }

    public static Eui64 Parse(string text) =>
        TryParse(text, out var eui64) ? eui64 : throw new FormatException($"'{text}' is not an EUI-64 (example: 14-15-92-cc-00-00-00-02)");

    /// <summary>The 16-bit id motes put after the frame type: EUI-64 bytes 6 and 7 (OPENWSN.md B).</summary>
    public ushort ShortId => (ushort)Value;

    public void WriteTo(Span<byte> destination) => BinaryPrimitives.WriteUInt64BigEndian(destination, Value);

    public byte[] ToBytes()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Prefix + EUI-64 as interface id, unchanged: OpenWSN does not flip the U/L bit (OPENWSN.md D.1).</summary>
    public IPAddress WithPrefix(Ipv6Prefix prefix) => prefix.WithHost(new Ipv6HostId(Value));

    /// <summary>The interface id of an IPv6 address (its last 8 bytes) as an EUI-64, as OV takes a DAO's source (OPENWSN.md D.3).</summary>
    public static Eui64 FromInterfaceId(IPAddress address) => Read(address.GetAddressBytes().AsSpan(8));

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Length];
        WriteTo(bytes);
        return string.Join('-', bytes.ToArray().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }
}
