using System.Collections.Concurrent;
using Agent.Core.Drops;

namespace Agent.Core.Routing;

/// <summary>What the router received from each agent, forwarded to each other agent, and dropped. Thread-safe.</summary>
public sealed class RouterCounters
{
    private readonly ConcurrentDictionary<string, long> _received = new();
    private readonly ConcurrentDictionary<(string From, string To), long> _forwarded = new();
    private readonly ConcurrentDictionary<string, DropCounts> _dropped = new();

    public void CountReceived(string from) => _received.AddOrUpdate(from, 1, (_, n) => n + 1);

    public void CountForwarded(string from, string to) => _forwarded.AddOrUpdate((from, to), 1, (_, n) => n + 1);

    public void CountDropped(string from, DropReason reason) => _dropped.GetOrAdd(from, _ => new DropCounts()).Count(reason);

    public long Received(string from) => _received.GetValueOrDefault(from);

    public long Forwarded(string from, string to) => _forwarded.GetValueOrDefault((from, to));

    /// <summary>Every copy forwarded of <paramref name="from"/>'s packets, whatever the destination.</summary>
    public long ForwardedFrom(string from) => _forwarded.Where(f => f.Key.From == from).Sum(f => f.Value);

    /// <summary>The agents packets were received from.</summary>
    public IReadOnlyList<string> Sources => _received.Keys.Order(StringComparer.Ordinal).ToList();

    public long Dropped(string from) => _dropped.TryGetValue(from, out var drops) ? drops.Total : 0;

    /// <summary>One line per source: <c>from agent_1: received 12, forwarded agent_2 12, agent_TT 12, dropped 0</c>.</summary>
    public IEnumerable<string> Lines() =>
        _received.Keys.Order(StringComparer.Ordinal).Select(from =>
        {
            var forwarded = _forwarded.Where(f => f.Key.From == from).OrderBy(f => f.Key.To, StringComparer.Ordinal)
                .Select(f => $"{f.Key.To} {f.Value}");
            var drops = _dropped.TryGetValue(from, out var counts) ? counts.ByName() : new Dictionary<string, long>();
            return $"from {from}: received {Received(from)}, forwarded {string.Join(", ", forwarded.DefaultIfEmpty("none"))}, {DropReasons.Describe(drops)}";
        });
}
