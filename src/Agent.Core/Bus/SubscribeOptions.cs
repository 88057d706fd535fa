namespace Agent.Core.Bus;

/// <summary>
/// How a subscription consumes. With a <see cref="SharedQueue"/> name, every subscriber of that name (router replicas)
/// takes from one named, non-exclusive queue, acking each message on receipt, so that a message is handled at most
/// once and a killed subscriber loses at most what it had already taken; a message the broker delivers a second time
/// (its first taker died before the ack arrived) is not handled again but given to <see cref="Redelivered"/>. A
/// <see cref="Replicated"/> shared queue is a quorum queue (durable, on every node of the cluster, gone
/// <see cref="ReplicatedExpiry"/> after its last consumer); otherwise it is a classic one, deleted with its last
/// consumer. With an <see cref="OwnQueue"/> name the queue is exclusive and named: a second connection that asks for
/// it is refused by the broker at once (an agent name in use). Otherwise the queue is exclusive and the broker names it.
/// </summary>
public sealed record SubscribeOptions(string? SharedQueue = null, ushort Prefetch = 256, string? OwnQueue = null, bool Replicated = false)
{
    /// <summary>How long a replicated queue outlives its last consumer: the replicas' reconnects fit well within it, an abandoned session does not.</summary>
    public static readonly TimeSpan ReplicatedExpiry = TimeSpan.FromSeconds(60);

    /// <summary>Told of each message of a shared queue that is dropped because it was delivered before (at most once).</summary>
    public MessageHandler? Redelivered { get; init; }
}
