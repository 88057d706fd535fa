using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Agent.Core.Addressing;

/// <summary>
/// An interface's IPv4 address with its prefix length: 10.2.0.1/24. Only what an interface on a session network can
/// have: a unicast address outside 0.0.0.0/8, 127.0.0.0/8, multicast and 240.0.0.0/4, neither the network's own address
/// nor its broadcast, on a network of /8 to /32.
/// </summary>
public sealed record Ipv4Config(IPAddress Address, int PrefixLength)
{
    /// <summary>A shorter prefix would route a large part of the Internet into the tunnel.</summary>
    public const int ShortestPrefix = 8;

    /// <summary>Accepts <c>a.b.c.d</c> (a /24) or <c>a.b.c.d/len</c>.</summary>
    public static bool TryParse(string? text, out Ipv4Config? config, out string error)
    {
        config = null;
        error = $"'{text}' is not an IPv4 address (example: 10.2.0.1 or 10.2.0.1/24)";
        if (string.IsNullOrWhiteSpace(text)) return false;
        var parts = text.Trim().Split('/');
        var length = 24;
        if (parts.Length > 2 || !TryParseAddress(parts[0], out var address)) return false;
        if (parts.Length == 2 && !TryParsePrefixLength(parts[1], out length, out var lengthError))
        {
            error = $"'{text}': {lengthError}";
            return false;
        }
        return TryCreate(ToUInt32(address), length, $"'{text}'", out config, out error);
    }

    public static Ipv4Config Parse(string text) =>
        TryParse(text, out var config, out var error) ? config! : throw new FormatException(error);

    /// <summary>
    /// From the fields of an old <c>tun.start</c>: a host (full address, or a host number within the network)
    /// and a netmask (dotted or a length). Nothing given (no host): true and a null config.
    /// </summary>
    public static bool TryFromParts(string? host, string? network, string? netmask, out Ipv4Config? config, out string error)
    {
        config = null;
        error = "";
        if (host is null) return true;
        var length = 24;
        if (netmask is not null
            && !(netmask.Contains('.', StringComparison.Ordinal) ? TryParseNetmask(netmask, out length, out error) : TryParsePrefixLength(netmask, out length, out error)))
        {
            error = $"ipv4_netmask: {error}";
            return false;
        }
        var given = $"ipv4_host '{host}'";
        if (TryParseAddress(host, out var address)) return TryCreate(ToUInt32(address), length, given, out config, out error);
        if (!uint.TryParse(host, NumberStyles.None, CultureInfo.InvariantCulture, out var hostNumber))
        {
            error = $"{given} is neither an IPv4 address nor a host number";
            return false;
        }
        if (network is null || !TryParseAddress(network, out var net))
        {
            error = $"{given} is a host number, but ipv4_network '{network}' is not an IPv4 network address";
            return false;
        }
        var mask = MaskOf(length);
        if ((ToUInt32(net) & ~mask) != 0)
        {
            error = $"ipv4_network '{network}' has bits set beyond its /{length} netmask";
            return false;
        }
        // Compared before adding: a number beyond the network must not wrap into another one.
        if (hostNumber > ~mask)
        {
            error = $"{given} does not fit in the /{length} network {network}";
            return false;
        }
        return TryCreate(ToUInt32(net) + hostNumber, length, given, out config, out error);
    }

    public IPAddress Network => FromUInt32(ToUInt32(Address) & MaskOf(PrefixLength));

    public IPAddress Netmask => FromUInt32(MaskOf(PrefixLength));

    public override string ToString() => $"{Address}/{PrefixLength}";

    private static bool TryCreate(uint address, int length, string given, out Ipv4Config? config, out string error)
    {
        config = null;
        if (Unusable(address, length) is { } why)
        {
            error = $"{given}: {FromUInt32(address)}/{length} is {why}";
            return false;
        }
        config = new Ipv4Config(FromUInt32(address), length);
        error = "";
        return true;
    }

    /// <summary>Why no interface may have this address, or null when it may.</summary>
    private static string? Unusable(uint address, int length)
    {
        var host = address & ~MaskOf(length);
        return (address >> 24) switch
        {
            0 => "in 0.0.0.0/8 (this network, reserved)",
            127 => "a loopback address (127.0.0.0/8)",
            >= 224 and <= 239 => "a multicast address (224.0.0.0/4)",
            >= 240 => "reserved (240.0.0.0/4, with the broadcast address 255.255.255.255)",
            // /31 and /32 have no network or broadcast address (RFC 3021).
            _ when length <= 30 && host == 0 => "the network's own address, not a host's",
            _ when length <= 30 && host == ~MaskOf(length) => "the network's broadcast address, not a host's",
            _ => null,
        };
    }

    private static uint MaskOf(int length) => length == 0 ? 0 : uint.MaxValue << (32 - length);

    private static bool TryParseAddress(string text, out IPAddress address) =>
        IPAddress.TryParse(text, out address!) && address.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') == 3
        && text.All(c => char.IsAsciiDigit(c) || c == '.');

    private static bool TryParsePrefixLength(string text, out int length, out string error)
    {
        error = "";
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out length))
        {
            error = $"'{text}' is not a prefix length";
            return false;
        }
        if (length is >= ShortestPrefix and <= 32) return true;
        error = $"prefix length /{text} is outside /{ShortestPrefix} to /32";
        return false;
    }

    private static bool TryParseNetmask(string text, out int length, out string error)
    {
        length = 0;
        error = $"'{text}' is not a netmask (example: 255.255.255.0)";
        if (!TryParseAddress(text, out var mask)) return false;
        var value = ToUInt32(mask);
        length = System.Numerics.BitOperations.PopCount(value);
        if (length == 0 || value != uint.MaxValue << (32 - length)) return false;
        if (length >= ShortestPrefix) return true;
        error = $"netmask {text} (/{length}) is shorter than /{ShortestPrefix}";
        return false;
    }

    private static uint ToUInt32(IPAddress address) => BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());

    private static IPAddress FromUInt32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }
}
