using Agent.Core.Bus;

namespace Agent.Benchmarks;

/// <summary>
/// A bus in memory for the benchmarks: a delivery calls the subscribers bound to the key at once; a publish is
/// confirmed at once and otherwise forgotten (counted), so that only our own code is measured.
/// </summary>
internal sealed class LoopbackBus : IMessageBus
{
    private readonly List<(List<string> Keys, MessageHandler Handler)> _subscriptions = [];
    private readonly Dictionary<string, MessageHandler?> _handlers = new(StringComparer.Ordinal); // per key, found once

    private long _published;

    public long Published => Interlocked.Read(ref _published);

    public ValueTask DeliverAsync(string routingKey, ReadOnlyMemory<byte> body)
    {
        if (!_handlers.TryGetValue(routingKey, out var handler))
            _handlers[routingKey] = handler = _subscriptions.FirstOrDefault(s => s.Keys.Any(k => Matches(k, routingKey))).Handler;
        return handler is null ? ValueTask.CompletedTask : handler(routingKey, body, null);
    }

    public ValueTask<bool> TryPublishAsync(string routingKey, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default,
        string? correlationId = null)
    {
        Interlocked.Increment(ref _published);
        return ValueTask.FromResult(true);
    }

    public ValueTask<PublishResult> PublishPacketAsync(string routingKey, ReadOnlyMemory<byte> body, IPublishOutcome outcome, long state,
        CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _published);
        outcome.Confirmed(state);
        return ValueTask.FromResult(PublishResult.Accepted);
    }

    public Task SettleAsync(TimeSpan bound) => Task.CompletedTask;

    public Task<IBusSubscription> SubscribeAsync(IReadOnlyCollection<string> bindingKeys, MessageHandler handler, CancellationToken cancellationToken,
        SubscribeOptions? options = null)
    {
        List<string> keys = [.. bindingKeys];
        _subscriptions.Add((keys, handler));
        return Task.FromResult<IBusSubscription>(new Subscription(this, keys));
    }

    /// <summary>A key bound later: the handlers found per key so far are found again.</summary>
    private sealed class Subscription(LoopbackBus bus, List<string> keys) : IBusSubscription
    {
        public Task BindAsync(string key, CancellationToken cancellationToken)
        {
            keys.Add(key);
            bus._handlers.Clear();
            return Task.CompletedTask;
        }
    }

    public long Reconnects => 0;

    public long Resubscribes => 0;

    public bool Blocked => false;

#pragma warning disable CS0067 // never raised: the loopback never loses its connection
    public event Action? Reconnected;
#pragma warning restore CS0067

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>AMQP topic matching for the keys our components bind: <c>*</c> is one word, <c>#</c> any.</summary>
    private static bool Matches(string pattern, string key)
    {
        var p = pattern.Split('.');
        var k = key.Split('.');
        if (p.Contains("#")) return key.StartsWith(pattern[..pattern.IndexOf('#')], StringComparison.Ordinal);
        return p.Length == k.Length && p.Zip(k).All(pair => pair.First == "*" || pair.First == pair.Second);
    }
}
