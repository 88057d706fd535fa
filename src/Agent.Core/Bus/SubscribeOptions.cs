namespace Agent.Core.Bus;

/// <summary>
/// How a subscription consumes. With a <see cref="SharedQueue"/> name, every subscriber of that name (router replicas)
/// takes from one named, non-exclusive queue, acking each message on receipt, so that a message is handled at most
/// once and a killed subscriber loses at most what it had already taken. With an <see cref="OwnQueue"/> name the queue
/// is exclusive and named: a second connection that asks for it is refused by the broker at once (an agent name in use).
/// Otherwise the queue is exclusive and the broker names it.
/// </summary>
public sealed record SubscribeOptions(string? SharedQueue = null, ushort Prefetch = 256, string? OwnQueue = null);
