using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using Serilog;
using Agent.Core.Protocol;

namespace Agent.Core.Bus;

/// <summary>
/// The bus on RabbitMQ: one connection, one channel for publishing (with publisher confirms, settled off the publisher's
/// path through a bounded <see cref="ConfirmWindow"/>, unless <see cref="BusOptions.PublisherConfirms"/> is off: then a
/// packet counts as confirmed once it is written) and one per subscription, automatic recovery on with a 1 s interval.
/// A broker that blocks publishers (memory or disk alarm) is said and seen at once: publishes are refused as
/// <see cref="PublishResult.Blocked"/> instead of queueing in the socket. The first connect is retried here with
/// backoff, since the client does not cover it.
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
    private readonly ConfirmWindow _confirms = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly BusOptions _options;
    private readonly ILogger _log;
    private long _reconnects;
    private long _resubscribes;
    private volatile bool _connected = true;
    private volatile bool _blocked;

    private RabbitMqBus(IConnection connection, IChannel publishChannel, BusOptions options, ILogger log)
    {
        _connection = connection;
        _publishChannel = publishChannel;
        _options = options;
        _log = log;
        _publishChannel.BasicAcksAsync += (_, e) => Settle(e.DeliveryTag, e.Multiple, ok: true);
        _publishChannel.BasicNacksAsync += (_, e) => Settle(e.DeliveryTag, e.Multiple, ok: false);
        _publishChannel.ChannelShutdownAsync += (_, _) =>
        {
            _confirms.LoseAll(); // numbering starts again on the recovered channel
            return Task.CompletedTask;
        };
        _connection.ConnectionShutdownAsync += (_, args) =>
        {
            _confirms.LoseAll();
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
            _log.Information("Reconnected to {Url}", NodeOf(_connection));
            Reconnected?.Invoke();
            return Task.CompletedTask;
        };
        _connection.ConnectionRecoveryErrorAsync += (_, args) =>
        {
            _log.Warning("Reconnect to {Url} failed ({Reason}); retrying", _options.Nodes.Masked, args.Exception.Message);
            return Task.CompletedTask;
        };
        _connection.ConnectionBlockedAsync += (_, args) =>
        {
            _blocked = true;
            _log.Warning("The broker blocks publishing ({Reason}): packets are dropped as broker-blocked until it unblocks", args.Reason);
            return Task.CompletedTask;
        };
        _connection.ConnectionUnblockedAsync += (_, _) =>
        {
            _blocked = false;
            _log.Information("The broker takes publishes again");
            return Task.CompletedTask;
        };
    }

    public long Reconnects => Interlocked.Read(ref _reconnects);

    public long Resubscribes => Interlocked.Read(ref _resubscribes);

    public bool Blocked => _blocked;

    public event Action? Reconnected;

    /// <summary>
    /// Connects to the first of <see cref="BusOptions.Nodes"/> that takes the connection (a refused one costs
    /// milliseconds, a silent one the 5 s connect timeout), retrying the list with backoff (one log line per attempt)
    /// until <see cref="BusOptions.ConnectTimeout"/>. Recovery walks the same list: when the node dies, the next one
    /// that answers gets the connection, and the client declares our queues, bindings and consumers there again.
    /// </summary>
    public static async Task<RabbitMqBus> ConnectAsync(BusOptions options, ILogger log, TimeProvider time, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = options.Url.Address, // user, password and vhost; the nodes' hosts and ports come from the endpoints
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
            RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
            ClientProvidedName = options.ClientName,
        };
        if (options.Url.Heartbeat is { } heartbeat) factory.RequestedHeartbeat = heartbeat;
        var tls = options.Url.IsTls ? options.Tls ?? new BrokerTls() : null;
        foreach (var warning in options.Warnings) log.Warning("{Warning}", warning);
        var endpoints = options.Nodes.All.Select(url => Endpoint(url, tls)).ToList();
        IEndpointResolver nodes = options.ShuffleNodes ? new DefaultEndpointResolver(endpoints) : new InOrder(endpoints);
        var over = tls is null ? "" : tls.Insecure ? " over TLS, certificate NOT verified" : " over TLS, certificate verified";

        var start = time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var connection = await factory.CreateConnectionAsync(nodes, options.ClientName, cancellationToken);
                var channel = await connection.CreateChannelAsync(
                    new CreateChannelOptions(publisherConfirmationsEnabled: options.PublisherConfirms, publisherConfirmationTrackingEnabled: false),
                    cancellationToken);
                log.Information("Connected to {Url}{Tls}", options.Nodes.MaskedFor(connection.Endpoint.HostName, connection.Endpoint.Port), over);
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
                        $"cannot reach the broker at {options.Nodes.Masked} after {attempt} attempts in {elapsed.TotalSeconds:0} s ({reason}); check --url and that RabbitMQ is running", e);
                log.Warning("Broker {Url} unreachable ({Reason}); attempt {Attempt}, retrying in {Delay:0.##} s",
                    options.Nodes.Masked, reason, attempt, delay.TotalSeconds);
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    private static AmqpTcpEndpoint Endpoint(AmqpUrl url, BrokerTls? tls)
    {
        var ssl = new SslOption();
        tls?.Apply(ssl, url.Address.Host);
        return new AmqpTcpEndpoint(url.Address.Host, url.Port, ssl);
    }

    private string NodeOf(IConnection connection) => _options.Nodes.MaskedFor(connection.Endpoint.HostName, connection.Endpoint.Port);

    /// <summary>The nodes in the order given (the client's own resolver shuffles them on every connect).</summary>
    private sealed class InOrder(IReadOnlyList<AmqpTcpEndpoint> endpoints) : IEndpointResolver
    {
        public IEnumerable<AmqpTcpEndpoint> All() => endpoints;
    }

    private static string Reason(Exception e)
    {
        while (e.InnerException is not null && e is BrokerUnreachableException or AggregateException) e = e.InnerException;
        return e.Message;
    }

    public async ValueTask<bool> TryPublishAsync(string routingKey, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default,
        string? correlationId = null) =>
        await PublishAsync(routingKey, body, correlationId, null, 0, cancellationToken) == PublishResult.Accepted;

    public ValueTask<PublishResult> PublishPacketAsync(string routingKey, ReadOnlyMemory<byte> body, IPublishOutcome outcome, long state,
        CancellationToken cancellationToken) =>
        PublishAsync(routingKey, body, null, outcome, state, cancellationToken);

    private async ValueTask<PublishResult> PublishAsync(string routingKey, ReadOnlyMemory<byte> body, string? correlationId,
        IPublishOutcome? outcome, long state, CancellationToken cancellationToken)
    {
        if (!_connected) return PublishResult.Unavailable;
        if (_blocked) return PublishResult.Blocked;
        var properties = correlationId is null
            ? JsonProperties
            : new BasicProperties(JsonProperties) { CorrelationId = correlationId };
        var confirmed = _options.PublisherConfirms;
        if (confirmed) await _confirms.ReserveAsync(cancellationToken);
        ulong? sequence = null;
        try
        {
            await _publishLock.WaitAsync(cancellationToken);
        }
        catch
        {
            if (confirmed) _confirms.Release();
            throw;
        }
        try
        {
            if (confirmed)
            {
                sequence = await _publishChannel.GetNextPublishSequenceNumberAsync(cancellationToken);
                _confirms.Add(sequence.Value, outcome ?? IgnoredOutcome.Instance, state);
            }
            await _publishChannel.BasicPublishAsync(_options.Exchange, routingKey, mandatory: false, properties, body, cancellationToken);
            if (!confirmed) outcome?.Confirmed(state); // written is all anyone will hear of it
            return PublishResult.Accepted;
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException
            or OperationCanceledException)
        {
            // Not sent. Unless the connection's loss told the outcome already (lost), nothing will.
            if (confirmed)
            {
                if (sequence is null) _confirms.Release();
                else if (!_confirms.Forget(sequence.Value)) return PublishResult.Accepted;
            }
            if (e is OperationCanceledException) throw;
            return PublishResult.Unavailable;
        }
        finally
        {
            _publishLock.Release();
        }
    }

    public Task SettleAsync(TimeSpan bound) => _confirms.DrainAsync(bound);

    private Task Settle(ulong sequence, bool multiple, bool ok)
    {
        _confirms.Settle(sequence, multiple, ok);
        return Task.CompletedTask;
    }

    public async Task<IBusSubscription> SubscribeAsync(IReadOnlyCollection<string> bindingKeys, MessageHandler handler, CancellationToken cancellationToken,
        SubscribeOptions? options = null)
    {
        var subscription = new RabbitMqSubscription(_connection, _options.Exchange, bindingKeys, handler, options ?? new SubscribeOptions(),
            _log, () => Interlocked.Increment(ref _resubscribes), _disposing.Token);
        await subscription.StartAsync(cancellationToken);
        return subscription;
    }

    public async ValueTask DisposeAsync()
    {
        await _disposing.CancelAsync();
        // A blocked or frozen broker never answers a close: abort, and do not wait for it beyond the bound.
        var closing = _connection.CloseAsync(Constants.ReplySuccess, "agent stopping", BusOptions.ShutdownBound, abort: true);
        await Task.WhenAny(closing, Task.Delay(BusOptions.ShutdownBound));
        _ = closing.ContinueWith(_ => _connection.Dispose(), TaskScheduler.Default);
    }

    /// <summary>For control messages: their confirmation changes nothing.</summary>
    private sealed class IgnoredOutcome : IPublishOutcome
    {
        public static readonly IgnoredOutcome Instance = new();

        public void Confirmed(long state)
        {
        }

        public void Lost(long state, bool refused)
        {
        }
    }
}
