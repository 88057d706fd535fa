using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Agent.Core.Addressing;

/// <summary>The interface identifier, the lower 64 bits of an address: <c>1</c> in bbbb::1.</summary>
public readonly record struct Ipv6HostId(ulong Value)
{
    // RFC 2526: these 128 interface identifiers name the reserved subnet anycast addresses of a /64.
    private const ulong FirstReservedAnycast = 0xfdff_ffff_ffff_ff80UL;
    private const ulong LastReservedAnycast = 0xfdff_ffff_ffff_ffffUL;

    /// <summary>Accepts <c>1</c>, <c>:1</c> (legacy senders) or <c>::1</c>, and multi-hextet ids such as <c>a:b</c>.</summary>
    public static bool TryParse(string? text, out Ipv6HostId host, out string error)
    {
        host = default;
        error = $"'{text}' is not an IPv6 host id (examples: 1, ::1, 2:ff)";
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim().TrimStart(':');
        // IPAddress also reads scopes (1%eth0) and dotted IPv4 tails (::1.2.3.4), which a host id never has.
        if (s.Any(c => !char.IsAsciiHexDigit(c) && c != ':')) return false;
        if (s.Length == 0 || s.Contains("::", StringComparison.Ordinal) || s.Split(':').Length > 4) return false;
        if (!IPAddress.TryParse("::" + s, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        var bytes = address.GetAddressBytes();
        if (BinaryPrimitives.ReadUInt64BigEndian(bytes) != 0) return false;
        var value = BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(8));
        if (value == 0)
        {
            error = $"'{text}': the host id must not be 0 (the subnet-router anycast address)";
            return false;
        }
        if (value is >= FirstReservedAnycast and <= LastReservedAnycast)
        {
            error = $"'{text}': host ids fdff:ffff:ffff:ff80 to fdff:ffff:ffff:ffff are reserved for subnet anycast (RFC 2526)";
            return false;
        }
        host = new Ipv6HostId(value);
        error = "";
        return true;
    }

    public static Ipv6HostId Parse(string text) =>
        TryParse(text, out var host, out var error) ? host : throw new FormatException(error);

    /// <summary>The form written on the bus: <c>1</c>, <c>a:b</c>.</summary>
    public string ToBusString()
    {
        var hextets = Ipv6Prefix.Hextets(Value).SkipWhile(h => h == 0);
        return string.Join(':', hextets.Select(h => h.ToString("x")));
    }

    public override string ToString() => ToBusString();
}
