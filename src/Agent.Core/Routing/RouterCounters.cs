using System.Collections.Concurrent;
using Agent.Core.Drops;

namespace Agent.Core.Routing;

/// <summary>What the router received from each agent, forwarded to each other agent, and dropped. Thread-safe.</summary>
public sealed class RouterCounters
{
    private readonly ConcurrentDictionary<string, long> _received = new();
    private readonly ConcurrentDictionary<(string From, string To), long> _forwarded = new();
    private readonly ConcurrentDictionary<string, DropCounts> _dropped = new();
    private readonly DropCounts _unattributed = new();

    /// <summary>At most this many sources get a line of their own when the counters are printed.</summary>
    private const int MostLines = 50;

    public void CountReceived(string from) => _received.AddOrUpdate(from, 1, (_, n) => n + 1);

    public void CountForwarded(string from, string to) => _forwarded.AddOrUpdate((from, to), 1, (_, n) => n + 1);

    public void CountDropped(string from, DropReason reason) => _dropped.GetOrAdd(from, _ => new DropCounts()).Count(reason);

    /// <summary>A drop from a key that names no agent the router knows (junk): counted once, not per made-up name.</summary>
    public void CountUnattributed(DropReason reason) => _unattributed.Count(reason);

    public long Received(string from) => _received.GetValueOrDefault(from);

    public long Forwarded(string from, string to) => _forwarded.GetValueOrDefault((from, to));

    /// <summary>Every copy forwarded of <paramref name="from"/>'s packets, whatever the destination.</summary>
    public long ForwardedFrom(string from) => _forwarded.Where(f => f.Key.From == from).Sum(f => f.Value);

    /// <summary>The agents packets were received from.</summary>
    public IReadOnlyList<string> Sources => _received.Keys.Order(StringComparer.Ordinal).ToList();

    public long Dropped(string from) => _dropped.TryGetValue(from, out var drops) ? drops.Total : 0;

    /// <summary>
    /// One line per source, <c>from agent_1: received 12, forwarded agent_2 12, agent_TT 12, dropped 0</c>, for at most
    /// 50 sources, then one line for the rest and one for drops from no known agent.
    /// </summary>
    public IEnumerable<string> Lines()
    {
        var sources = _received.Keys.Order(StringComparer.Ordinal).ToList();
        foreach (var line in SourceLines(sources.Take(MostLines))) yield return line;
        if (sources.Count > MostLines)
            yield return $"and {sources.Count - MostLines} more sources: received {sources.Skip(MostLines).Sum(Received)}";
        if (_unattributed.Total > 0) yield return $"from no known agent: {_unattributed}";
    }

    private IEnumerable<string> SourceLines(IEnumerable<string> sources) =>
        sources.Select(from =>
        {
            var forwarded = _forwarded.Where(f => f.Key.From == from).OrderBy(f => f.Key.To, StringComparer.Ordinal)
                .Select(f => $"{f.Key.To} {f.Value}");
            var drops = _dropped.TryGetValue(from, out var counts) ? counts.ByName() : new Dictionary<string, long>();
            return $"from {from}: received {Received(from)}, forwarded {string.Join(", ", forwarded.DefaultIfEmpty("none"))}, {DropReasons.Describe(drops)}";
        });
}
