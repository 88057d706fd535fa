namespace Agent.Core.Bus;

/// <summary>What became of a publish at once (its confirmation, if any, comes later).</summary>
public enum PublishResult
{
    /// <summary>Handed to the broker.</summary>
    Accepted,

    /// <summary>The connection is down or recovering: nothing was sent, nothing is buffered.</summary>
    Unavailable,

    /// <summary>The broker blocked publishers (a memory or disk alarm): nothing was sent.</summary>
    Blocked,
}
