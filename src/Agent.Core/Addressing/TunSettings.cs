using System.Net;
using Agent.Core.Connectors;
using Agent.Core.Protocol;

namespace Agent.Core.Addressing;

/// <summary>
/// How a TUN interface is configured: bbbb::N/64, fe80::N/64 and optionally 10.2.0.N/24. <see cref="Ipv4HostAsGiven"/>
/// keeps a <c>tun.start</c>'s <c>ipv4_host</c> as it came (a host number such as "5"), since the original agent announces
/// it as it was configured.
/// </summary>
public sealed record TunSettings(
    Ipv6Prefix Prefix,
    Ipv6HostId Host,
    Ipv4Config? Ipv4,
    bool Ipv6NoForwarding = false,
    ReRoute? ReRoute = null,
    string? Ipv4HostAsGiven = null)
{
    public IPAddress GlobalAddress => Prefix.WithHost(Host);

    public IPAddress LinkLocalAddress => Ipv6Prefix.LinkLocal.WithHost(Host);

    public IReadOnlyList<InterfaceAddress> Addresses =>
        Ipv4 is null
            ? [new(GlobalAddress, 64), new(LinkLocalAddress, 64)]
            : [new(GlobalAddress, 64), new(LinkLocalAddress, 64), new(Ipv4.Address, Ipv4.PrefixLength)];

    /// <summary>The <c>tun.started</c> announcement of these settings.</summary>
    public TunConfigMessage ToStarted(AgentName name) => new(
        Name: name.Value,
        Ipv6Prefix: Prefix.ToBusString(),
        Ipv6Host: Host.ToBusString(),
        Ipv6NoForwarding: Ipv6NoForwarding,
        Ipv4Address: Ipv4?.Address.ToString(),
        Ipv4Host: Ipv4 is null ? null : Ipv4HostAsGiven ?? Ipv4.Address.ToString(),
        Ipv4Network: Ipv4?.Network.ToString(),
        Ipv4Netmask: Ipv4?.Netmask.ToString(),
        ReRoutePacketsIf: ReRoute?.Interface,
        ReRoutePacketsPrefix: ReRoute?.Prefix.ToBusString(),
        ReRoutePacketsHost: ReRoute?.Host.ToBusString());

    /// <summary>Whether the agent routes and forwards for a network behind its host (the re-route setup).</summary>
    public bool Forwards => ReRoute is not null && !Ipv6NoForwarding;

    public override string ToString() =>
        string.Join(", ", Addresses.Select(a => a.ToString())) + (ReRoute is { } r ? $"; re-routing {r}" : "")
        + (Ipv6NoForwarding ? "; no forwarding" : "");
}
