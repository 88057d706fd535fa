using Agent.Core.Addressing;
using Agent.Core.Connectors;

namespace Agent.Connectors.Tun;

/// <summary>Creates and configures the device for these settings (a TUN interface in production, an in-memory one in tests).</summary>
public delegate Task<ITunInterface> OpenInterface(TunSettings settings, CancellationToken cancellationToken);
