namespace Agent.Core.Agents;

/// <summary>How an agent runs, whatever its kind: its stats cadence, and how long it waits for a start message.</summary>
public sealed record AgentOptions(TimeSpan StatsInterval, TimeSpan? StartTimeout = null);
