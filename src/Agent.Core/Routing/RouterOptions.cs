using Agent.Core.Protocol;

namespace Agent.Core.Routing;

/// <summary>
/// What <c>agent router</c> was told: agents to know from the start, the routing mode, the links, the name of the
/// packet queue its replicas share, whether agent_TT (the testing tool's observer) gets a copy of every packet, and the
/// bounds of what it learns (how long a silent agent is remembered, how many agents at most). A
/// <paramref name="ReplicatedQueue"/> is a quorum queue, which survives the loss of a node of a cluster.
/// </summary>
public sealed record RouterOptions(
    IReadOnlyList<AgentName> Seeds,
    RoutingMode Mode = RoutingMode.Address,
    IReadOnlyList<IReadOnlyList<string>>? Links = null,
    string SharedQueue = RouterOptions.DefaultSharedQueue,
    bool CopyToTestingTool = true,
    TimeSpan? ForgetAfter = null,
    int MaxAgents = RouterOptions.DefaultMaxAgents,
    bool ReplicatedQueue = false)
{
    public const int DefaultMaxAgents = 1000;

    /// <summary>A learnt agent silent this long is forgotten (ours publish stats every 10 s; ten minutes is generous).</summary>
    public static readonly TimeSpan DefaultForgetAfter = TimeSpan.FromMinutes(10);

    public const string DefaultSharedQueue = "agent.router.packets";

    /// <summary>At most this many packets are in flight to one replica: what a killed replica can lose.</summary>
    public const ushort Prefetch = 64;
}
