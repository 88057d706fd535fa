namespace Agent.Core.Bus;

/// <summary>Handles one consumed message. The body is valid only until the returned task completes: decode or copy it.</summary>
public delegate ValueTask MessageHandler(string routingKey, ReadOnlyMemory<byte> body);

/// <summary>Publishes and consumes JSON bodies on routing keys of one exchange, surviving broker restarts.</summary>
public interface IMessageBus : IAsyncDisposable
{
    /// <summary>
    /// Publishes one body. False when the broker cannot take it now (connection lost, recovering):
    /// nothing is buffered, so the caller counts the drop.
    /// </summary>
    ValueTask<bool> TryPublishAsync(string routingKey, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default);

    /// <summary>
    /// Binds a private queue to <paramref name="bindingKeys"/> and delivers each message to <paramref name="handler"/>,
    /// one at a time, in order.
    /// </summary>
    Task SubscribeAsync(IReadOnlyCollection<string> bindingKeys, MessageHandler handler, CancellationToken cancellationToken);

    /// <summary>How many times the connection was lost and then recovered.</summary>
    long Reconnects { get; }
}
