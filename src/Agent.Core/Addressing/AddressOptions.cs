namespace Agent.Core.Addressing;

/// <summary>
/// What the user gave on the command line: <c>--ipv6-prefix</c>, <c>--ipv6-host</c>, <c>--ipv4-address</c>, and the v0.1
/// re-route setup (<c>--re-route-packets-*</c>, <c>--ipv6-no-forwarding</c>).
/// </summary>
public sealed record AddressOptions(Ipv6Prefix? Prefix = null, Ipv6HostId? Host = null, Ipv4Config? Ipv4 = null,
    ReRoute? ReRoute = null, bool? Ipv6NoForwarding = null)
{
    public bool IsComplete => Prefix is not null && Host is not null && Ipv4 is not null;

    /// <summary>Parses the three options; the error names the option at fault.</summary>
    public static bool TryParse(string? prefix, string? host, string? ipv4, out AddressOptions options, out string error)
    {
        options = new AddressOptions();
        Ipv6Prefix? p = null;
        Ipv6HostId? h = null;
        Ipv4Config? v4 = null;
        if (prefix is not null)
        {
            if (!Ipv6Prefix.TryParse(prefix, out var value, out error)) { error = "--ipv6-prefix: " + error; return false; }
            p = value;
        }
        if (host is not null)
        {
            if (!Ipv6HostId.TryParse(host, out var value, out error)) { error = "--ipv6-host: " + error; return false; }
            h = value;
        }
        if (ipv4 is not null)
        {
            if (!Ipv4Config.TryParse(ipv4, out var value, out error)) { error = "--ipv4-address: " + error; return false; }
            v4 = value;
        }
        options = new AddressOptions(p, h, v4);
        error = "";
        return true;
    }
}
