using System.Net;
using Agent.Core.Connectors;
using Agent.Core.Protocol;

namespace Agent.Core.Addressing;

/// <summary>How a TUN interface is configured: bbbb::N/64, fe80::N/64 and optionally 10.2.0.N/24.</summary>
public sealed record TunSettings(
    Ipv6Prefix Prefix,
    Ipv6HostId Host,
    Ipv4Config? Ipv4,
    bool Ipv6NoForwarding = false,
    string? ReRoutePacketsIf = null,
    string? ReRoutePacketsPrefix = null,
    string? ReRoutePacketsHost = null)
{
    private static readonly Ipv6Prefix LinkLocalPrefix = new(0xfe80_0000_0000_0000UL);

    public IPAddress GlobalAddress => Prefix.WithHost(Host);

    public IPAddress LinkLocalAddress => LinkLocalPrefix.WithHost(Host);

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
        Ipv4Host: Ipv4?.Address.ToString(),
        Ipv4Network: Ipv4?.Network.ToString(),
        Ipv4Netmask: Ipv4?.Netmask.ToString(),
        ReRoutePacketsIf: ReRoutePacketsIf,
        ReRoutePacketsPrefix: ReRoutePacketsPrefix,
        ReRoutePacketsHost: ReRoutePacketsHost);

    public override string ToString() =>
        Ipv4 is null ? $"{GlobalAddress}/64, {LinkLocalAddress}/64" : $"{GlobalAddress}/64, {LinkLocalAddress}/64, {Ipv4}";
}
