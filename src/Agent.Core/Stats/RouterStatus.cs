namespace Agent.Core.Stats;

/// <summary>One router replica as <c>agent status</c> knows it: its last stats, when heard, and when it said it left.</summary>
public sealed record RouterStatus(RouterStats Stats, DateTimeOffset LastSeen, DateTimeOffset? LeftAt = null)
{
    public bool Left => LeftAt is not null;
}
