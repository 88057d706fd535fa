namespace Agent.Core.Addressing;

/// <summary>
/// The v0.1 re-route setup (PROTOCOL.md 3.1): the agent's host is a border router, and the network behind
/// <see cref="Interface"/> (a WSN behind tunslip6, openvisualizer or an OpenThread border router) has
/// <see cref="Prefix"/>; the node under test there is <see cref="Prefix"/>::<see cref="Host"/>, which the agent
/// announces as its address. The agent routes that prefix out of the interface and forwards between it and the tunnel.
/// </summary>
public sealed record ReRoute(string Interface, Ipv6Prefix Prefix, Ipv6HostId Host)
{
    /// <summary>The node behind the border router: prefix::host.</summary>
    public System.Net.IPAddress Address => Prefix.WithHost(Host);

    /// <summary>
    /// All three fields, or none (null, no error). <paramref name="source"/> names them in the error: the options of
    /// <c>agent tun</c>, or the fields of a <c>tun.start</c>.
    /// </summary>
    public static bool TryParse(string? @interface, string? prefix, string? host, string source, out ReRoute? reRoute, out string error)
    {
        reRoute = null;
        error = "";
        if (@interface is null && prefix is null && host is null) return true;
        if (@interface is null || prefix is null || host is null)
        {
            error = $"{source}: re-routing needs the interface, the prefix and the host together";
            return false;
        }
        if (@interface.Length is 0 or > 15 || @interface.Any(c => c is '/' or ':' || char.IsWhiteSpace(c) || c > 127))
        {
            error = $"{source}: '{@interface}' is not an interface name";
            return false;
        }
        if (!Ipv6Prefix.TryParse(prefix, out var p, out error) || !Ipv6HostId.TryParse(host, out var h, out error))
        {
            error = $"{source}: {error}";
            return false;
        }
        reRoute = new ReRoute(@interface, p, h);
        return true;
    }

    public override string ToString() => $"{Prefix} via {Interface}, node {Address}";
}
