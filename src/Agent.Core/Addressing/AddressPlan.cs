using System.Globalization;
using System.Net;
using Agent.Core.Protocol;

namespace Agent.Core.Addressing;

/// <summary>
/// The session addressing plan (PROTOCOL.md 5): agent_N gets bbbb::N/64, fe80::N/64 and 10.2.0.N/24.
/// Also decides, for any name, whether the interface can be created now or must wait for <c>tun.start</c>.
/// </summary>
public static class AddressPlan
{
    /// <summary>The plan's settings for agent_N; null for any other name.</summary>
    public static TunSettings? ForName(AgentName name)
    {
        if (name.PlanNumber is not { } n) return null;
        // bbbb::N reads N's decimal digits as hextet digits, as the original agent wrote ":N".
        var host = Ipv6HostId.Parse(n.ToString(CultureInfo.InvariantCulture));
        return new TunSettings(Ipv6Prefix.Default, host, new Ipv4Config(new IPAddress([10, 2, 0, (byte)n]), 24));
    }

    /// <summary>Settings at start, without any <c>tun.start</c>: for agent_N names, or when all three options are given.</summary>
    public static TunSettings? AtStart(AgentName name, AddressOptions options)
    {
        var plan = ForName(name);
        if (plan is null && !options.IsComplete) return null;
        return new TunSettings(
            options.Prefix ?? plan!.Prefix,
            options.Host ?? plan!.Host,
            options.Ipv4 ?? plan!.Ipv4);
    }

    /// <summary>
    /// Settings from a <c>tun.start</c>: its fields, where the command line gave nothing, then the plan.
    /// IPv6 only when no IPv4 address is given anywhere.
    /// </summary>
    public static bool TryFromTunStart(AgentName name, AddressOptions options, TunConfigMessage start, out TunSettings? settings, out string error)
    {
        settings = null;
        var plan = ForName(name);
        var prefix = options.Prefix ?? plan?.Prefix ?? Ipv6Prefix.Default;
        if (options.Prefix is null && start.Ipv6Prefix is { } p && !Ipv6Prefix.TryParse(p, out prefix, out error)) return false;

        Ipv6HostId? host = options.Host ?? plan?.Host;
        if (options.Host is null && start.Ipv6Host is { } h)
        {
            if (!Ipv6HostId.TryParse(h, out var parsed, out error)) return false;
            host = parsed;
        }
        if (host is null)
        {
            error = "tun.start has no ipv6_host, and neither --ipv6-host nor an agent_N name gives one";
            return false;
        }

        var ipv4 = options.Ipv4;
        if (ipv4 is null && start.Ipv4Address is { } a && !Ipv4Config.TryParse(a, out ipv4, out error)) return false;
        ipv4 ??= Ipv4Config.FromParts(start.Ipv4Host, start.Ipv4Network, start.Ipv4Netmask) ?? plan?.Ipv4;

        settings = new TunSettings(prefix, host.Value, ipv4, start.Ipv6NoForwarding ?? false,
            start.ReRoutePacketsIf, start.ReRoutePacketsPrefix, start.ReRoutePacketsHost);
        error = "";
        return true;
    }
}
