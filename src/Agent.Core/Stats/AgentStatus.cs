namespace Agent.Core.Stats;

/// <summary>
/// One agent as <c>agent status</c> knows it: what it announced, when it was last heard, its last stats (none from an
/// agent that publishes no stats, such as the original Python agent) and when it said it left. An agent only a router
/// replica reported (<see cref="ReportedByRouter"/>) was never heard by the status itself.
/// </summary>
public sealed record AgentStatus(
    string Name,
    string Kind,
    IReadOnlyList<string> Addresses,
    DateTimeOffset LastSeen,
    AgentStats? Stats = null,
    DateTimeOffset? LeftAt = null,
    bool ReportedByRouter = false)
{
    public bool Left => LeftAt is not null;
}
