using Agent.Core.Addressing;
using Agent.Core.Connectors;

namespace Agent.Core.Agents;

/// <summary>Creates and configures the device for these settings (a TUN interface in production, an in-memory one in tests).</summary>
public delegate Task<IConnector> OpenInterface(TunSettings settings, CancellationToken cancellationToken);
