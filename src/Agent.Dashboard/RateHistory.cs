using Agent.Core.Stats;

namespace Agent.Dashboard;

/// <summary>
/// Packets a second per agent over the last minutes, for the sparklines: each new stats message of an agent gives one
/// point, its packets (up and down) since the one before over its own uptime since then. Nothing is counted here that
/// the stats do not say. An agent that restarted (its uptime went back) continues its line from its new counters.
/// </summary>
public sealed class RateHistory(TimeSpan window, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Line> _lines = new(StringComparer.Ordinal);

    /// <summary>Takes a point from every agent whose stats are newer than at the last call.</summary>
    public void Sample(IEnumerable<AgentStatus> agents)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            foreach (var agent in agents)
            {
                if (agent.Stats is not { } stats) continue;
                var packets = stats.UpPackets + stats.DownPackets;
                if (!_lines.TryGetValue(agent.Name, out var line))
                {
                    _lines[agent.Name] = new Line(packets, stats.UptimeSeconds);
                    continue;
                }
                if (stats.UptimeSeconds < line.Uptime || packets < line.Packets)
                {
                    (line.Packets, line.Uptime) = (packets, stats.UptimeSeconds);
                    continue;
                }
                var seconds = stats.UptimeSeconds - line.Uptime;
                if (seconds < 0.05) continue; // the same stats message again
                line.Points.Enqueue((now, Math.Round((packets - line.Packets) / seconds, 2)));
                line.Packets = packets;
                line.Uptime = stats.UptimeSeconds;
                while (line.Points.TryPeek(out var first) && now - first.At > window) line.Points.Dequeue();
            }
        }
    }

    /// <summary>The points of one agent, oldest first: packets a second.</summary>
    public IReadOnlyList<double> Of(string agent)
    {
        lock (_lock) return _lines.TryGetValue(agent, out var line) ? line.Points.Select(p => p.Rate).ToList() : [];
    }

    private sealed class Line(long packets, double uptime)
    {
        public long Packets { get; set; } = packets;

        public double Uptime { get; set; } = uptime;

        public Queue<(DateTimeOffset At, double Rate)> Points { get; } = new();
    }
}
