using System.Collections.Concurrent;
using Agent.Core.Bus;

namespace Agent.Testing;

/// <summary>An in-memory bus: records what is published, and lets a test deliver messages to the subscribers.</summary>
public sealed class FakeBus : IMessageBus
{
    private readonly List<(List<string> Keys, MessageHandler Handler)> _subscriptions = [];

    public ConcurrentQueue<(string Key, byte[] Body)> Published { get; } = new();

    /// <summary>When false, publishes fail as they do while the broker is away.</summary>
    public bool Connected { get; set; } = true;

    public long Reconnects { get; private set; }

    public long Resubscribes { get; set; }

    /// <summary>When true, publishes are refused as while the broker blocks publishers.</summary>
    public bool Blocked { get; set; }

    /// <summary>When true, packets wait for <see cref="SettleHeld"/> instead of being confirmed at once.</summary>
    public bool HoldConfirms { get; set; }

    private readonly ConcurrentQueue<(IPublishOutcome Outcome, long State)> _held = new();

    /// <summary>Confirms (or, with <paramref name="ok"/> false, loses as at a disconnect) every packet held so far.</summary>
    public void SettleHeld(bool ok)
    {
        while (_held.TryDequeue(out var held))
        {
            if (ok) held.Outcome.Confirmed(held.State);
            else held.Outcome.Lost(held.State, refused: false);
        }
    }

    public Task SettleAsync(TimeSpan bound)
    {
        SettleHeld(ok: false);
        return Task.CompletedTask;
    }

    public ValueTask<PublishResult> PublishPacketAsync(string routingKey, ReadOnlyMemory<byte> body, IPublishOutcome outcome, long state,
        CancellationToken cancellationToken = default)
    {
        if (!Connected) return ValueTask.FromResult(PublishResult.Unavailable);
        if (Blocked) return ValueTask.FromResult(PublishResult.Blocked);
        Published.Enqueue((routingKey, body.ToArray()));
        if (HoldConfirms) _held.Enqueue((outcome, state));
        else outcome.Confirmed(state);
        return ValueTask.FromResult(PublishResult.Accepted);
    }

    public event Action? Reconnected;

    /// <summary>Plays a broker connection that was lost and has recovered.</summary>
    public void Reconnect()
    {
        Reconnects++;
        Reconnected?.Invoke();
    }

    public IReadOnlyList<string> BoundKeys
    {
        get
        {
            lock (_subscriptions) return _subscriptions.SelectMany(s => s.Keys).ToList();
        }
    }

    public ConcurrentQueue<(string Key, string CorrelationId)> Correlations { get; } = new();

    public ValueTask<bool> TryPublishAsync(string routingKey, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default,
        string? correlationId = null)
    {
        if (!Connected || Blocked) return ValueTask.FromResult(false);
        Published.Enqueue((routingKey, body.ToArray()));
        if (correlationId is not null) Correlations.Enqueue((routingKey, correlationId));
        return ValueTask.FromResult(true);
    }

    public List<SubscribeOptions?> SubscribeOptions { get; } = [];

    public Task<IBusSubscription> SubscribeAsync(IReadOnlyCollection<string> bindingKeys, MessageHandler handler, CancellationToken cancellationToken,
        SubscribeOptions? options = null)
    {
        List<string> keys = [.. bindingKeys];
        lock (_subscriptions)
        {
            SubscribeOptions.Add(options);
            _subscriptions.Add((keys, handler));
        }
        return Task.FromResult<IBusSubscription>(new Subscription(this, keys));
    }

    /// <summary>Keys bound later are matched as those bound at first.</summary>
    private sealed class Subscription(FakeBus bus, List<string> keys) : IBusSubscription
    {
        public Task BindAsync(string key, CancellationToken cancellationToken)
        {
            lock (bus._subscriptions) keys.Add(key);
            return Task.CompletedTask;
        }
    }

    /// <summary>Delivers a message to every subscriber bound to exactly this key (tests use exact keys or '#').</summary>
    public async Task DeliverAsync(string routingKey, byte[] body, string? correlationId = null)
    {
        List<MessageHandler> handlers;
        lock (_subscriptions)
            handlers = _subscriptions.Where(s => s.Keys.Any(k => Matches(k, routingKey))).Select(s => s.Handler).ToList();
        foreach (var handler in handlers) await handler(routingKey, body, correlationId);
    }

    /// <summary>Delivers a message to every subscriber whatever its keys: what a broker would do if a binding said otherwise.</summary>
    public async Task DeliverToAllAsync(string routingKey, byte[] body)
    {
        List<MessageHandler> handlers;
        lock (_subscriptions) handlers = _subscriptions.Select(s => s.Handler).ToList();
        foreach (var handler in handlers) await handler(routingKey, body, null);
    }

    public IReadOnlyList<byte[]> BodiesOn(string routingKey) => Published.Where(p => p.Key == routingKey).Select(p => p.Body).ToList();

    /// <summary>The <paramref name="count"/>-th body published on <paramref name="routingKey"/>, waited for within <see cref="Eventually.Bound"/>.</summary>
    public async Task<byte[]> WaitForAsync(string routingKey, int count = 1)
    {
        if (await Eventually.TrueAsync(() => BodiesOn(routingKey).Count >= count)) return BodiesOn(routingKey)[count - 1];
        throw new TimeoutException($"nothing published on {routingKey} (#{count}); published: {string.Join(", ", Published.Select(p => p.Key))}");
    }

    /// <summary>AMQP topic matching: '*' is one word, '#' zero or more.</summary>
    public static bool Matches(string pattern, string key) => Matches(pattern.Split('.'), key.Split('.'));

    private static bool Matches(ReadOnlySpan<string> pattern, ReadOnlySpan<string> key)
    {
        if (pattern.IsEmpty) return key.IsEmpty;
        if (pattern[0] == "#")
        {
            for (var skip = 0; skip <= key.Length; skip++)
                if (Matches(pattern[1..], key[skip..])) return true;
            return false;
        }
        return !key.IsEmpty && (pattern[0] == "*" || pattern[0] == key[0]) && Matches(pattern[1..], key[1..]);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
