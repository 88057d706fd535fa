using System.Buffers.Binary;
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

    /// <summary>
    /// The agent_N whose plan address this is (bbbb::N, 10.2.0.N), or null: how the router reaches an agent that never
    /// said which address it has (the original agent announces once, at start, and a router started later missed it).
    /// </summary>
    public static AgentName? OwnerOf(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        int? n = bytes.Length switch
        {
            16 when Ipv6Prefix.Default.Contains(address) && BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(8)) is var host and <= 0xFFFF
                => PlanHostNumber((ushort)host),
            4 when bytes[0] == 10 && bytes[1] == 2 && bytes[2] == 0 => bytes[3],
            _ => null,
        };
        return n is >= 1 and <= 254 ? AgentName.Parse($"agent_{n.Value.ToString(CultureInfo.InvariantCulture)}") : null;
    }

    /// <summary>bbbb::N writes N's decimal digits as a hextet (bbbb::12 is agent_12): a hextet with a-f names no agent.</summary>
    private static int? PlanHostNumber(ushort hextet)
    {
        var text = hextet.ToString("x", CultureInfo.InvariantCulture);
        return text.All(char.IsAsciiDigit) ? int.Parse(text, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Settings at start, without any <c>tun.start</c>: for agent_N names, or when all three options are given.</summary>
    public static TunSettings? AtStart(AgentName name, AddressOptions options)
    {
        var plan = ForName(name);
        if (plan is null && !options.IsComplete) return null;
        return new TunSettings(
            options.Prefix ?? plan!.Prefix,
            options.Host ?? plan!.Host,
            options.Ipv4 ?? plan!.Ipv4,
            options.Ipv6NoForwarding ?? false,
            options.ReRoute);
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
        if (options.Prefix is null && start.Ipv6Prefix is { } p && !Ipv6Prefix.TryParse(p, out prefix, out error))
            return Refuse("ipv6_prefix", ref error);

        Ipv6HostId? host = options.Host ?? plan?.Host;
        if (options.Host is null && start.Ipv6Host is { } h)
        {
            if (!Ipv6HostId.TryParse(h, out var parsed, out error)) return Refuse("ipv6_host", ref error);
            host = parsed;
        }
        if (host is null)
        {
            error = "tun.start has no ipv6_host, and neither --ipv6-host nor an agent_N name gives one";
            return false;
        }

        var ipv4 = options.Ipv4;
        if (ipv4 is null && start.Ipv4Address is { } a && !Ipv4Config.TryParse(a, out ipv4, out error))
            return Refuse("ipv4_address", ref error);
        Ipv4Config? fromHost = null;
        if (ipv4 is null && !Ipv4Config.TryFromParts(start.Ipv4Host, start.Ipv4Network, start.Ipv4Netmask, out fromHost, out error))
            return Refuse("ipv4_host/ipv4_network/ipv4_netmask", ref error);
        ipv4 ??= fromHost ?? plan?.Ipv4;

        var reRoute = options.ReRoute;
        if (reRoute is null && !ReRoute.TryParse(start.ReRoutePacketsIf, start.ReRoutePacketsPrefix, start.ReRoutePacketsHost,
                "tun.start re_route_packets_*", out reRoute, out error))
            return false;

        settings = new TunSettings(prefix, host.Value, ipv4, options.Ipv6NoForwarding ?? start.Ipv6NoForwarding ?? false, reRoute,
            Ipv4HostAsGiven: fromHost is null ? null : start.Ipv4Host);
        error = "";
        return true;
    }

    private static bool Refuse(string fields, ref string error)
    {
        error = $"tun.start {fields}: {error}";
        return false;
    }
}
