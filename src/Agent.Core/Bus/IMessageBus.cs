namespace Agent.Core.Bus;

/// <summary>
/// Handles one consumed message. The body is valid only until the returned task completes: decode or copy it.
/// <paramref name="correlationId"/> is the request's, for RPCs (PROTOCOL.md 1: the reply carries it back).
/// </summary>
public delegate ValueTask MessageHandler(string routingKey, ReadOnlyMemory<byte> body, string? correlationId);

/// <summary>Publishes and consumes JSON bodies on routing keys of one exchange, surviving broker restarts.</summary>
public interface IMessageBus : IAsyncDisposable
{
    /// <summary>
    /// Publishes one body. False when the broker cannot take it now (connection lost, recovering):
    /// nothing is buffered, so the caller counts the drop.
    /// </summary>
    ValueTask<bool> TryPublishAsync(string routingKey, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default,
        string? correlationId = null);

    /// <summary>
    /// Publishes one packet, without waiting for the broker to confirm it: <paramref name="outcome"/> hears later whether
    /// it did (then the packet counts as sent) or whether it was lost. Waits only for room in a bounded window of
    /// unconfirmed packets. Anything but <see cref="PublishResult.Accepted"/> means nothing went out and nothing follows.
    /// </summary>
    ValueTask<PublishResult> PublishPacketAsync(string routingKey, ReadOnlyMemory<byte> body, IPublishOutcome outcome, long state,
        CancellationToken cancellationToken);

    /// <summary>
    /// Waits, at most <paramref name="bound"/>, for the broker to confirm the packets published so far; the rest are
    /// told lost. For a stop: the counters printed after it say what the broker took.
    /// </summary>
    Task SettleAsync(TimeSpan bound);

    /// <summary>
    /// Binds a queue to <paramref name="bindingKeys"/> and delivers each message to <paramref name="handler"/>, one at a
    /// time, in order. By default the queue is private to this subscriber; see <see cref="SubscribeOptions"/>.
    /// </summary>
    Task<IBusSubscription> SubscribeAsync(IReadOnlyCollection<string> bindingKeys, MessageHandler handler, CancellationToken cancellationToken,
        SubscribeOptions? options = null);

    /// <summary>How many times the connection was lost and then recovered.</summary>
    long Reconnects { get; }

    /// <summary>How many times a deleted queue was declared, bound and consumed again.</summary>
    long Resubscribes { get; }

    /// <summary>True while the broker blocks publishers (a memory or disk alarm).</summary>
    bool Blocked { get; }

    /// <summary>Raised after the connection was lost and recovered, queues and bindings included.</summary>
    event Action? Reconnected;
}
