namespace Agent.Core.Agents;

/// <summary>
/// How an agent runs, whatever its kind: its stats cadence, how long it waits for a start message, this process's
/// instance id (in its stats, so that another agent using the same name is told apart), and whether it may share its
/// name with another agent in the session (<c>--force</c>; the broker refuses a second holder of the name otherwise), and
/// whether it takes the other agents' packets straight from their uplink keys instead of from a router (<c>--direct</c>).
/// </summary>
public sealed record AgentOptions(TimeSpan StatsInterval, TimeSpan? StartTimeout = null, string? Instance = null, bool ShareName = false,
    bool Direct = false)
{
    /// <summary>This process: host, pid and a random part, so that a restarted agent is a new instance.</summary>
    public static string NewInstance() => $"{Environment.MachineName}:{Environment.ProcessId}:{Random.Shared.Next(0x10000):x4}";
}
