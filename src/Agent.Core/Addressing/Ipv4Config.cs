using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Agent.Core.Addressing;

/// <summary>An interface's IPv4 address with its prefix length: 10.2.0.1/24.</summary>
public sealed record Ipv4Config(IPAddress Address, int PrefixLength)
{
    /// <summary>Accepts <c>a.b.c.d</c> (a /24) or <c>a.b.c.d/len</c>.</summary>
    public static bool TryParse(string? text, out Ipv4Config? config, out string error)
    {
        config = null;
        error = $"'{text}' is not an IPv4 address (example: 10.2.0.1 or 10.2.0.1/24)";
        if (string.IsNullOrWhiteSpace(text)) return false;
        var parts = text.Trim().Split('/');
        var length = 24;
        if (parts.Length > 2 || parts.Length == 2 && !TryParsePrefixLength(parts[1], out length)) return false;
        if (!TryParseAddress(parts[0], out var address)) return false;
        config = new Ipv4Config(address, length);
        error = "";
        return true;
    }

    public static Ipv4Config Parse(string text) =>
        TryParse(text, out var config, out var error) ? config! : throw new FormatException(error);

    /// <summary>
    /// From the fields of an old <c>tun.start</c>: a host (full address, or a host number within the network)
    /// and a netmask (dotted or a length).
    /// </summary>
    public static Ipv4Config? FromParts(string? host, string? network, string? netmask)
    {
        if (host is null) return null;
        var length = 24;
        if (netmask is not null && !TryParsePrefixLength(netmask, out length) && !TryParseNetmask(netmask, out length)) return null;
        if (TryParseAddress(host, out var address)) return new Ipv4Config(address, length);
        if (network is not null && TryParseAddress(network, out var net)
            && uint.TryParse(host, NumberStyles.None, CultureInfo.InvariantCulture, out var hostNumber))
        {
            var value = ToUInt32(net) + hostNumber;
            return new Ipv4Config(FromUInt32(value), length);
        }
        return null;
    }

    public IPAddress Network => FromUInt32(ToUInt32(Address) & Mask);

    public IPAddress Netmask => FromUInt32(Mask);

    private uint Mask => PrefixLength == 0 ? 0 : uint.MaxValue << (32 - PrefixLength);

    public override string ToString() => $"{Address}/{PrefixLength}";

    private static bool TryParseAddress(string text, out IPAddress address) =>
        IPAddress.TryParse(text, out address!) && address.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') == 3;

    private static bool TryParsePrefixLength(string text, out int length) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out length) && length is >= 1 and <= 32;

    private static bool TryParseNetmask(string text, out int length)
    {
        length = 0;
        if (!TryParseAddress(text, out var mask)) return false;
        var value = ToUInt32(mask);
        length = System.Numerics.BitOperations.PopCount(value);
        return length > 0 && value == uint.MaxValue << (32 - length);
    }

    private static uint ToUInt32(IPAddress address) => BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());

    private static IPAddress FromUInt32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }
}
