using Agent.Core.Protocol;

namespace Agent.Core.Routing;

/// <summary>
/// What <c>agent router</c> was told: agents to know from the start, the routing mode, the links, the name of the
/// packet queue its replicas share, and whether agent_TT (the testing tool's observer) gets a copy of every packet.
/// </summary>
public sealed record RouterOptions(
    IReadOnlyList<AgentName> Seeds,
    RoutingMode Mode = RoutingMode.Address,
    IReadOnlyList<IReadOnlyList<string>>? Links = null,
    string SharedQueue = RouterOptions.DefaultSharedQueue,
    bool CopyToTestingTool = true)
{
    public const string DefaultSharedQueue = "agent.router.packets";

    /// <summary>At most this many packets are in flight to one replica: what a killed replica can lose.</summary>
    public const ushort Prefetch = 64;
}
