using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Agent.Core.Addressing;

/// <summary>A /64 IPv6 prefix, the upper 64 bits of an address (PROTOCOL.md 5).</summary>
public readonly record struct Ipv6Prefix(ulong Value)
{
    public static readonly Ipv6Prefix Default = new(0xbbbb_0000_0000_0000UL);

    /// <summary>fe80::/64, where every interface has its link-local address.</summary>
    public static readonly Ipv6Prefix LinkLocal = new(0xfe80_0000_0000_0000UL);

    /// <summary>
    /// Accepts <c>bbbb</c>, <c>bbbb::</c>, <c>bbbb::/64</c> or <c>2001:db8:0:1</c>, as the prefix of a network: not
    /// multicast, unspecified, loopback or link-local, which <c>ip</c> would refuse or which would hijack traffic.
    /// </summary>
    public static bool TryParse(string? text, out Ipv6Prefix prefix, out string error)
    {
        prefix = default;
        error = $"'{text}' is not an IPv6 /64 prefix (examples: bbbb, bbbb::/64, 2001:db8:0:1)";
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        // IPAddress also reads scopes (%eth0) and dotted IPv4 tails, which a prefix never has.
        if (s.Any(c => !char.IsAsciiHexDigit(c) && c is not ':' and not '/')) return false;
        var slash = s.IndexOf('/');
        if (slash >= 0)
        {
            if (s[(slash + 1)..] != "64")
            {
                error = $"'{text}': only /64 prefixes are supported";
                return false;
            }
            s = s[..slash];
        }
        if (!s.Contains("::", StringComparison.Ordinal))
        {
            if (s.Split(':').Length > 4) return false;
            s += "::";
        }
        if (!IPAddress.TryParse(s, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        var bytes = address.GetAddressBytes();
        if (BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(8)) != 0)
        {
            error = $"'{text}' has bits set beyond the /64 prefix";
            return false;
        }
        var parsed = new Ipv6Prefix(BinaryPrimitives.ReadUInt64BigEndian(bytes));
        if (parsed.Unusable() is { } why)
        {
            error = $"'{text}' is {why}, not the prefix of a network";
            return false;
        }
        prefix = parsed;
        error = "";
        return true;
    }

    /// <summary>Why no network can have this prefix, or null when one can.</summary>
    private string? Unusable() => Value switch
    {
        0 => "the unspecified prefix (::/64, which holds ::1 and the IPv4-mapped addresses)",
        >= 0xff00_0000_0000_0000UL => "multicast (ff00::/8)",
        _ when (Value & 0xffc0_0000_0000_0000UL) == LinkLocal.Value => "link-local (fe80::/10)",
        _ => null,
    };

    public static Ipv6Prefix Parse(string text) =>
        TryParse(text, out var prefix, out var error) ? prefix : throw new FormatException(error);

    /// <summary>The 8 raw bytes, as the <c>!P</c> and OpenWSN <c>R</c> frames carry them.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, Value);
        return bytes;
    }

    /// <summary>The form written on the bus: hextets without <c>::</c> and without trailing zero hextets (<c>bbbb</c>).</summary>
    public string ToBusString()
    {
        var hextets = Hextets(Value).ToList();
        while (hextets.Count > 1 && hextets[^1] == 0) hextets.RemoveAt(hextets.Count - 1);
        return string.Join(':', hextets.Select(h => h.ToString("x")));
    }

    /// <summary>The four 16-bit groups of a 64-bit half address, most significant first.</summary>
    internal static IEnumerable<ushort> Hextets(ulong value) =>
        Enumerable.Range(0, 4).Select(i => (ushort)(value >> (48 - 16 * i)));

    public IPAddress WithHost(Ipv6HostId host)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, Value);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), host.Value);
        return new IPAddress(bytes);
    }

    /// <summary>The /64 an IPv6 address is in.</summary>
    public static Ipv6Prefix Of(IPAddress address) => new(BinaryPrimitives.ReadUInt64BigEndian(address.GetAddressBytes()));

    public bool Contains(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        return BinaryPrimitives.ReadUInt64BigEndian(address.GetAddressBytes()) == Value;
    }

    public override string ToString() => ToBusString() + "::/64";
}
