using Agent.Core.Protocol;

namespace Agent.Core.Stats;

/// <summary>
/// The routing keys of the stats messages. They are ours, not ioppytest's: the prefixes <c>agents.</c> and
/// <c>router.</c> are used by no ioppytest component, so no old consumer binds them.
/// </summary>
public static class StatsKeys
{
    /// <summary>
    /// Asks every agent and router replica to publish its stats at once, on its usual key. Not an RPC: there is no
    /// <c>.reply</c>, since the answers are the ordinary stats messages that any listener may already be bound to.
    /// </summary>
    public const string Request = "agents.stats.request";

    /// <summary>Where every router replica publishes its <see cref="RouterStats"/>.</summary>
    public const string Router = "router.stats";

    /// <summary>Binds the stats of every agent.</summary>
    public const string AllAgents = "fromAgent.*.stats";

    public static string Agent(AgentName name) => Topics.FromAgent(name.Value, "stats");

    /// <summary>The body of a stats request; nobody reads more than that it arrived, <c>requester</c> is for people reading the bus.</summary>
    public static byte[] RequestBody(string requester)
    {
        var body = Wire.NewBody();
        body["requester"] = requester;
        return Wire.ToBytes(body);
    }
}
