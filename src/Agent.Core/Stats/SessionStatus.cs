using System.Globalization;
using System.Net;
using System.Text;
using Agent.Core.Protocol;

namespace Agent.Core.Stats;

/// <summary>
/// What <c>agent status</c> knows of a session: the messages it hears folded into one row per agent and one per
/// router replica, rendered as a text table. Thread-safe: the bus delivers on its own thread while the table is drawn.
/// </summary>
public sealed class SessionStatus(TimeProvider time)
{
    private const string StatsSuffix = "stats";

    /// <summary>How many drop reasons a row names; the rest are summed into "+N more".</summary>
    private const int TopDropReasons = 3;

    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, AgentStatus> _agents = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, RouterStatus> _routers = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, MeshReport> _meshes = new(StringComparer.Ordinal);

    /// <summary>Everything the status listens to: stats, the agents' announcements, and components coming and going.</summary>
    public static IReadOnlyList<string> BindingKeys { get; } =
    [
        StatsKeys.AllAgents,
        MeshReport.AllAgents,
        Topics.AllTunStarted,
        Topics.AllSerialStarted,
        StatsKeys.Router,
        Topics.ComponentReady,
        Topics.ComponentShutdown,
    ];

    /// <summary>
    /// Every agent heard of: those that spoke, and those only a router replica knows (an original agent that announced
    /// once, before this status started listening, and publishes no stats).
    /// </summary>
    public IReadOnlyList<AgentStatus> Agents
    {
        get
        {
            lock (_gate)
            {
                var viaRouter = _routers.Values.SelectMany(r => r.Stats.Agents).Distinct(StringComparer.Ordinal)
                    .Where(name => !_agents.ContainsKey(name))
                    .Select(name => new AgentStatus(name, "", [], default, ReportedByRouter: true));
                return _agents.Values.Concat(viaRouter).OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
            }
        }
    }

    public IReadOnlyList<RouterStatus> Routers
    {
        get { lock (_gate) return _routers.Values.ToList(); }
    }

    /// <summary>The last mesh report of every OpenWSN serial agent, by agent name.</summary>
    public IReadOnlyList<MeshReport> Meshes
    {
        get { lock (_gate) return _meshes.Values.ToList(); }
    }

    /// <summary>Folds one message in. False when it tells the status nothing (another key, a body it cannot read).</summary>
    public bool Observe(string routingKey, ReadOnlySpan<byte> body)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (routingKey == StatsKeys.Router) return ObserveRouter(body, now);
            if (routingKey is Topics.ComponentReady or Topics.ComponentShutdown)
                return ObserveComponent(routingKey == Topics.ComponentShutdown, body, now);
            if (!Topics.TryParseFromAgent(routingKey, out var name, out var rest)) return false;
            return rest switch
            {
                StatsSuffix => ObserveStats(name, body, now),
                MeshReport.KeySuffix => ObserveMesh(name, body),
                Topics.TunStartedSuffix => ObserveTunStarted(name, body, now),
                Topics.SerialStartedSuffix => ObserveSerialStarted(name, body, now),
                _ => false,
            };
        }
    }

    private bool ObserveStats(string name, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (AgentStats.TryParse(body) is not { } stats) return false;
        var known = _agents.GetValueOrDefault(name);
        _agents[name] = new AgentStatus(name,
            stats.Kind.Length > 0 ? stats.Kind : known?.Kind ?? "",
            stats.Addresses.Count > 0 ? stats.Addresses : known?.Addresses ?? [],
            now, stats);
        return true;
    }

    private bool ObserveMesh(string name, ReadOnlySpan<byte> body)
    {
        if (MeshReport.TryParse(body) is not { } mesh) return false;
        _meshes[name] = mesh;
        return true;
    }

    private bool ObserveTunStarted(string name, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (TunConfigMessage.TryParse(body) is not { } config) return false;
        var known = _agents.GetValueOrDefault(name);
        // A serial agent with IP payload announces itself with tun.started too: its stats say "serial", and win.
        var kind = known?.Kind is { Length: > 0 } k ? k : "tun";
        // The stats list every address with its length; tun.started only the plan's, so it fills in until stats come.
        var addresses = known?.Stats is { Addresses.Count: > 0 } ? known.Addresses : Announced(config);
        _agents[name] = (known ?? new AgentStatus(name, kind, addresses, now)) with
        {
            Kind = kind, Addresses = addresses, LastSeen = now, LeftAt = null,
        };
        return true;
    }

    private bool ObserveSerialStarted(string name, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (SerialStartedMessage.TryParse(body) is not { } serial) return false;
        var known = _agents.GetValueOrDefault(name);
        var addresses = known?.Addresses is { Count: > 0 } a ? a : serial.Port is { } port ? [port] : [];
        _agents[name] = (known ?? new AgentStatus(name, "serial", addresses, now)) with
        {
            Kind = known?.Kind is { Length: > 0 } k ? k : "serial", Addresses = addresses, LastSeen = now, LeftAt = null,
        };
        return true;
    }

    private bool ObserveRouter(ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (RouterStats.TryParse(body) is not { } stats) return false;
        _routers[stats.Replica] = new RouterStatus(stats, now);
        return true;
    }

    /// <summary>
    /// ready/shutdown name only a component: they mark agents already known (the sniffer and others say them too).
    /// A router's shutdown does not say which replica: all are marked, and a live one clears it with its next stats.
    /// </summary>
    private bool ObserveComponent(bool shutdown, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (ComponentMessage.TryParse(body) is not { Component.Length: > 0 } message) return false;
        if (_agents.TryGetValue(message.Component, out var agent))
        {
            _agents[agent.Name] = agent with { LastSeen = now, LeftAt = shutdown ? now : null };
            return true;
        }
        if (message.Component != RouterStats.DefaultComponent) return false;
        foreach (var (replica, router) in _routers.ToList())
            _routers[replica] = router with { LastSeen = now, LeftAt = shutdown ? now : null };
        return true;
    }

    /// <summary>The addresses a tun.started names: the IPv6 one of the plan (prefix::host) and the IPv4 one.</summary>
    private static IReadOnlyList<string> Announced(TunConfigMessage config)
    {
        var addresses = new List<string>();
        if (config.Ipv6Prefix is { Length: > 0 } prefix && config.Ipv6Host is { Length: > 0 } host)
        {
            var text = $"{prefix.TrimEnd(':')}::{host.Replace(":", "", StringComparison.Ordinal)}";
            addresses.Add(IPAddress.TryParse(text, out var address) ? address.ToString() : text);
        }
        if ((config.Ipv4Address ?? config.Ipv4Host) is { Length: > 0 } ipv4) addresses.Add(ipv4);
        return addresses;
    }

    /// <summary>The table of agents (or a line saying there is none), then one block per router replica.</summary>
    public string Render()
    {
        var now = time.GetUtcNow();
        var agents = Agents;
        var routers = Routers;
        var text = new StringBuilder();
        if (agents.Count == 0)
        {
            text.Append($"No agents seen: none answered {StatsKeys.Request} or announced itself.\n");
        }
        else
        {
            var table = new TextTable([
                ("NAME", false), ("KIND", false), ("ADDRESSES", false), ("SEEN", false),
                ("UP PKTS", true), ("UP BYTES", true), ("DOWN PKTS", true), ("DOWN BYTES", true),
                ("RECONNECTS", true), ("UPTIME", true), ("DROPS", false),
            ]);
            foreach (var agent in agents) table.Add(Row(agent, now));
            table.WriteTo(text);
        }
        text.Append('\n');
        if (routers.Count == 0) text.Append($"No router seen ({StatsKeys.Router}).\n");
        foreach (var router in routers) AppendRouter(text, router, now);
        foreach (var mesh in Meshes)
        {
            text.Append('\n');
            mesh.AppendTo(text);
        }
        return text.ToString();
    }

    private static string[] Row(AgentStatus agent, DateTimeOffset now)
    {
        var seen = agent.ReportedByRouter ? "-" : Seen(agent.LastSeen, agent.LeftAt, now);
        var addresses = agent.Addresses.Count > 0 ? string.Join(' ', agent.Addresses) : "-";
        var kind = agent.Kind.Length > 0 ? agent.Kind : "-";
        if (agent.Stats is not { } s) return [agent.Name, kind, addresses, seen, "-", "-", "-", "-", "-", "-", "-"];
        return
        [
            agent.Name, kind, addresses, seen,
            Number(s.UpPackets), Number(s.UpBytes), Number(s.DownPackets), Number(s.DownBytes),
            Number(s.Reconnects), Duration(TimeSpan.FromSeconds(s.UptimeSeconds)), Drops(s.Drops),
        ];
    }

    private static void AppendRouter(StringBuilder text, RouterStatus router, DateTimeOffset now)
    {
        var stats = router.Stats;
        var replica = stats.Replica.Length > 0 ? $" {stats.Replica}" : "";
        var agents = stats.Agents.Count > 0 ? string.Join(", ", stats.Agents) : "none yet";
        text.Append($"Router {stats.Component}{replica}: {Seen(router.LastSeen, router.LeftAt, now)}, up {Duration(TimeSpan.FromSeconds(stats.UptimeSeconds))}, agents {agents}\n");
        foreach (var (agent, traffic) in stats.Traffic.OrderBy(t => t.Key, StringComparer.Ordinal))
            text.Append($"  {agent}: received {traffic.Received}, forwarded {traffic.Forwarded}, dropped {traffic.Dropped}\n");
    }

    private static string Seen(DateTimeOffset lastSeen, DateTimeOffset? leftAt, DateTimeOffset now) =>
        leftAt is { } left ? $"left {Duration(now - left)} ago" : $"{Duration(now - lastSeen)} ago";

    private static string Drops(IReadOnlyDictionary<string, long> drops)
    {
        var total = drops.Values.Sum();
        if (total == 0) return "0";
        var top = drops.Where(d => d.Value > 0).OrderByDescending(d => d.Value).ThenBy(d => d.Key, StringComparer.Ordinal).ToList();
        var named = string.Join(", ", top.Take(TopDropReasons).Select(d => $"{d.Key} {d.Value}"));
        var more = top.Count > TopDropReasons ? $", +{top.Count - TopDropReasons} more" : "";
        return $"{total} ({named}{more})";
    }

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>42s, 12m05s, 3h02m, 2d03h: short enough for a column, exact enough to tell fresh from stale.</summary>
    internal static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        return span.TotalSeconds < 60 ? $"{(int)span.TotalSeconds}s"
            : span.TotalHours < 1 ? $"{(int)span.TotalMinutes}m{span.Seconds:00}s"
            : span.TotalDays < 1 ? $"{(int)span.TotalHours}h{span.Minutes:00}m"
            : $"{(int)span.TotalDays}d{span.Hours:00}h";
    }
}
