using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using Serilog;
using Agent.Core.Protocol;

namespace Agent.Core.Bus;

/// <summary>
/// The bus on RabbitMQ: one connection, one channel for publishing and one for consuming, automatic recovery on
/// with a 1 s interval. The first connect is retried here with backoff, since the client does not cover it.
/// </summary>
public sealed class RabbitMqBus : IMessageBus
{
    private static readonly BasicProperties JsonProperties = new()
    {
        ContentType = Wire.ContentType,
        ContentEncoding = Wire.ContentEncoding, // as the original's kombu producer says it
        DeliveryMode = DeliveryModes.Persistent,
    };

    private readonly IConnection _connection;
    private readonly IChannel _publishChannel;
    private readonly SemaphoreSlim _publishLock = new(1, 1);
    private readonly BusOptions _options;
    private readonly ILogger _log;
    private long _reconnects;
    private volatile bool _connected = true;

    private RabbitMqBus(IConnection connection, IChannel publishChannel, BusOptions options, ILogger log)
    {
        _connection = connection;
        _publishChannel = publishChannel;
        _options = options;
        _log = log;
        _connection.ConnectionShutdownAsync += (_, args) =>
        {
            if (args.Initiator != ShutdownInitiator.Application)
            {
                _connected = false;
                _log.Warning("Broker connection lost ({Reason}); reconnecting", args.ReplyText);
            }
            return Task.CompletedTask;
        };
        _connection.RecoverySucceededAsync += (_, _) =>
        {
            _connected = true;
            Interlocked.Increment(ref _reconnects);
            _log.Information("Reconnected to {Url}", _options.Url.Masked);
            Reconnected?.Invoke();
            return Task.CompletedTask;
        };
        _connection.ConnectionRecoveryErrorAsync += (_, args) =>
        {
            _log.Warning("Reconnect to {Url} failed ({Reason}); retrying", _options.Url.Masked, args.Exception.Message);
            return Task.CompletedTask;
        };
    }

    public long Reconnects => Interlocked.Read(ref _reconnects);

    public event Action? Reconnected;

    /// <summary>Connects, retrying with backoff (one log line per attempt) until <see cref="BusOptions.ConnectTimeout"/>.</summary>
    public static async Task<RabbitMqBus> ConnectAsync(BusOptions options, ILogger log, TimeProvider time, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = options.Url.Address,
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
            RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
            ClientProvidedName = options.ClientName,
        };
        if (options.Url.Heartbeat is { } heartbeat) factory.RequestedHeartbeat = heartbeat;
        var tls = options.Url.IsTls ? options.Tls ?? new BrokerTls() : null;
        tls?.Apply(factory.Ssl, options.Url.Address.Host);
        foreach (var warning in options.Warnings) log.Warning("{Warning}", warning);
        var over = tls is null ? "" : tls.Insecure ? " over TLS, certificate NOT verified" : " over TLS, certificate verified";

        var start = time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var connection = await factory.CreateConnectionAsync(cancellationToken);
                var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
                log.Information("Connected to {Url}{Tls}", options.Url.Masked, over);
                return new RabbitMqBus(connection, channel, options, log);
            }
            catch (Exception e) when (e is BrokerUnreachableException or OperationInterruptedException or IOException or TimeoutException)
            {
                var reason = Reason(e);
                if (e is BrokerUnreachableException { InnerException: AuthenticationFailureException auth })
                    throw new BusUnreachableException($"the broker at {options.Url.Masked} refused the login: {auth.Message}", e);
                // A certificate does not fix itself within the connect timeout: no retry.
                if (tls is not null && await TlsFailure.ExplainAsync(e, options.Url, tls, cancellationToken) is { } tlsProblem)
                    throw new BusUnreachableException(tlsProblem, e);
                var elapsed = time.GetElapsedTime(start);
                if (elapsed + delay > options.ConnectTimeout)
                    throw new BusUnreachableException(
                        $"cannot reach the broker at {options.Url.Masked} after {attempt} attempts in {elapsed.TotalSeconds:0} s ({reason}); check --url and that RabbitMQ is running", e);
                log.Warning("Broker {Url} unreachable ({Reason}); attempt {Attempt}, retrying in {Delay:0.##} s",
                    options.Url.Masked, reason, attempt, delay.TotalSeconds);
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    private static string Reason(Exception e)
    {
        while (e.InnerException is not null && e is BrokerUnreachableException or AggregateException) e = e.InnerException;
        return e.Message;
    }

    public async ValueTask<bool> TryPublishAsync(string routingKey, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default,
        string? correlationId = null)
    {
        if (!_connected) return false;
        var properties = correlationId is null
            ? JsonProperties
            : new BasicProperties(JsonProperties) { CorrelationId = correlationId };
        await _publishLock.WaitAsync(cancellationToken);
        try
        {
            await _publishChannel.BasicPublishAsync(_options.Exchange, routingKey, mandatory: false, properties, body, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            _publishLock.Release();
        }
    }

    public async Task SubscribeAsync(IReadOnlyCollection<string> bindingKeys, MessageHandler handler, CancellationToken cancellationToken,
        SubscribeOptions? options = null)
    {
        options ??= new SubscribeOptions();
        var shared = options.SharedQueue is not null;
        var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.BasicQosAsync(0, options.Prefetch, false, cancellationToken);
        var queue = await channel.QueueDeclareAsync(options.SharedQueue ?? "", durable: false, exclusive: !shared, autoDelete: true,
            cancellationToken: cancellationToken);
        foreach (var key in bindingKeys)
            await channel.QueueBindAsync(queue.QueueName, _options.Exchange, key, cancellationToken: cancellationToken);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            try
            {
                // Ack on receipt, before handling (as the ioppytest router does): at most once across replicas.
                if (shared) await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
                await handler(delivery.RoutingKey, delivery.Body, delivery.BasicProperties.CorrelationId);
            }
            catch (Exception e)
            {
                _log.Error(e, "Handling a message on {RoutingKey} failed", delivery.RoutingKey);
            }
        };
        // Without a shared queue, prefetch does not apply: messages are acked as they are sent (autoAck).
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: !shared, consumer, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        using var bound = new CancellationTokenSource(BusOptions.ShutdownBound);
        try
        {
            await _connection.CloseAsync(Constants.ReplySuccess, "agent stopping", BusOptions.ShutdownBound, abort: false, bound.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or AlreadyClosedException or IOException or OperationInterruptedException)
        {
            // The broker is gone or slow: exit anyway.
        }
        _connection.Dispose();
    }
}
