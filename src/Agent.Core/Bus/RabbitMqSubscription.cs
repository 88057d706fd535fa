using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using Serilog;

namespace Agent.Core.Bus;

/// <summary>
/// One queue bound to some keys and consumed, on a channel of its own. When the broker cancels the consumer (the queue
/// was deleted by an admin or a policy) it says so and declares, binds and consumes again at once: a deleted queue
/// never silently ends the traffic. Connection loss is the client's automatic recovery's, not this.
/// </summary>
internal sealed class RabbitMqSubscription : IBusSubscription
{
    private readonly IConnection _connection;
    private readonly string _exchange;
    private readonly List<string> _keys; // grows with BindAsync; locked
    private readonly MessageHandler _handler;
    private readonly SubscribeOptions _options;
    private readonly ILogger _log;
    private readonly Action _resubscribed;
    private readonly CancellationToken _stopping;
    private IChannel? _channel;
    private string? _queue;
    private AckBatch? _acks;

    public RabbitMqSubscription(IConnection connection, string exchange, IReadOnlyCollection<string> keys, MessageHandler handler,
        SubscribeOptions options, ILogger log, Action resubscribed, CancellationToken stopping)
    {
        _connection = connection;
        _exchange = exchange;
        _keys = [.. keys];
        _handler = handler;
        _options = options;
        _log = log;
        _resubscribed = resubscribed;
        _stopping = stopping;
    }

    private static readonly Dictionary<string, object?> QuorumArguments = new()
    {
        ["x-queue-type"] = "quorum",
        ["x-expires"] = (long)SubscribeOptions.ReplicatedExpiry.TotalMilliseconds,
    };

    private bool AcksOnReceipt => _options.SharedQueue is not null;

    /// <exception cref="QueueInUseException">The queue is exclusive, named, and held by another connection.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _connection.QueueNameChangedAfterRecoveryAsync += OnQueueRenamedAsync;
        _channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await _channel.BasicQosAsync(0, _options.Prefetch, false, cancellationToken);
        if (AcksOnReceipt)
        {
            _acks = new AckBatch(_channel, _options.Prefetch,
                failed: e => _log.Debug("Acking {Queue}'s deliveries failed ({Type}: {Reason})", _queue, e.GetType().Name, e.Message));
            _stopping.Register(_acks.Dispose);
        }
        await ConsumeAsync(cancellationToken);
    }

    private async Task ConsumeAsync(CancellationToken cancellationToken)
    {
        var channel = _channel!;
        QueueDeclareOk queue;
        try
        {
            queue = _options.Replicated && AcksOnReceipt
                ? await channel.QueueDeclareAsync(_options.SharedQueue!, durable: true, exclusive: false, autoDelete: false,
                    QuorumArguments, cancellationToken: cancellationToken)
                : await channel.QueueDeclareAsync(_options.SharedQueue ?? _options.OwnQueue ?? "", durable: false,
                    exclusive: !AcksOnReceipt, autoDelete: true, cancellationToken: cancellationToken);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == Constants.ResourceLocked)
        {
            throw new QueueInUseException($"the queue {_options.OwnQueue} is held by another connection", e);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == Constants.PreconditionFailed && AcksOnReceipt)
        {
            var (asked, other) = _options.Replicated ? ("quorum", "classic") : ("classic", "quorum");
            throw new QueueMismatchException(
                $"the shared queue {_options.SharedQueue} exists already, not as the {asked} queue asked for (the broker says: " +
                $"{e.ShutdownReason.ReplyText}); another replica of this session declared it as a {other} queue: give every replica " +
                "the same --queue-type, or wait until the queue is gone (a classic one goes with its last replica, a quorum one a minute after)", e);
        }
        _queue = queue.QueueName;
        foreach (var key in Keys) await channel.QueueBindAsync(queue.QueueName, _exchange, key, cancellationToken: cancellationToken);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += OnReceivedAsync;
        consumer.UnregisteredAsync += (_, _) => OnCancelledAsync();
        // Without a shared queue, prefetch does not apply: messages are acked as they are sent (autoAck).
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: !AcksOnReceipt, consumer, cancellationToken);
    }

    private string[] Keys
    {
        get
        {
            lock (_keys) return [.. _keys];
        }
    }

    /// <summary>
    /// Kept in the keys, so that a deleted queue is declared again with it, and bound on a short-lived channel of its
    /// own: a queue gone at that moment (deleted, not yet declared again) makes the broker close the binding's channel,
    /// never the consumer's. The client records the binding, so its topology recovery binds it again after a reconnect.
    /// </summary>
    public async Task BindAsync(string key, CancellationToken cancellationToken)
    {
        lock (_keys)
            if (!_keys.Contains(key)) _keys.Add(key);
        if (_queue is not { } queue) return; // not consuming yet: ConsumeAsync binds it
        await using var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.QueueBindAsync(queue, _exchange, key, cancellationToken: cancellationToken);
        await channel.CloseAsync(cancellationToken);
    }

    /// <summary>A queue the broker names gets a new name when the client declares it again after a reconnect.</summary>
    private Task OnQueueRenamedAsync(object sender, QueueNameChangedAfterRecoveryEventArgs renamed)
    {
        Interlocked.CompareExchange(ref _queue, renamed.NameAfter, renamed.NameBefore);
        return Task.CompletedTask;
    }

    private async Task OnReceivedAsync(object sender, BasicDeliverEventArgs delivery)
    {
        try
        {
            // Ack on receipt, before handling (as the ioppytest router does), a batch at a time: at most once across replicas.
            if (_acks is { } acks) await acks.ReceivedAsync(delivery.DeliveryTag);
            // Delivered before, to a replica whose connection (or node) went before its ack arrived: it may have been
            // handled already, so it is not handled again.
            if (AcksOnReceipt && delivery.Redelivered)
            {
                if (_options.Redelivered is { } redelivered) await redelivered(delivery.RoutingKey, delivery.Body, delivery.BasicProperties.CorrelationId);
                return;
            }
            await _handler(delivery.RoutingKey, delivery.Body, delivery.BasicProperties.CorrelationId);
        }
        catch (Exception e)
        {
            _log.Error(e, "Handling a message on {RoutingKey} failed", delivery.RoutingKey);
        }
    }

    /// <summary>The broker cancelled the consumer: unless we are stopping, the queue is gone and is made again.</summary>
    private async Task OnCancelledAsync()
    {
        if (_stopping.IsCancellationRequested || !_connection.IsOpen || _channel is not { IsOpen: true } channel) return;
        var deleted = _queue;
        _log.Warning("The broker cancelled the consumer of {Queue} ({Keys}): the queue was deleted; declaring it again",
            deleted, string.Join(", ", Keys));
        // Resubscribing from the client's dispatch loop would wait on itself: let it return first.
        _ = Task.Run(async () =>
        {
            try
            {
                // Forget the deleted queue: topology recovery would otherwise bring it back, bound and unconsumed.
                if (deleted is not null && deleted != _options.SharedQueue && deleted != _options.OwnQueue)
                    await channel.QueueDeleteAsync(deleted, ifUnused: false, ifEmpty: false, cancellationToken: _stopping);
                await ConsumeAsync(_stopping);
                _resubscribed();
                _log.Information("Consuming {Keys} again from {Queue}", string.Join(", ", Keys), _queue);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.Error("Could not consume {Keys} again: {Reason}", string.Join(", ", Keys), e.Message);
            }
        });
        await Task.CompletedTask;
    }
}
