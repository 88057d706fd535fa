using Agent.Core.Addressing;
using Agent.Core.Connectors;

namespace Agent.Connectors.Tun;

/// <summary>A TUN interface as the TUN kind of agent sees it: a connector, and a place to route other agents' networks into.</summary>
public interface ITunInterface : IConnector
{
    /// <summary>Routes <paramref name="prefix"/> into the tunnel: another agent announced a network behind its host.</summary>
    /// <exception cref="InterfaceConfigurationException">The route was refused.</exception>
    Task RouteIntoTunnelAsync(Ipv6Prefix prefix, CancellationToken cancellationToken);
}
