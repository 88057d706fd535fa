using System.Text.Json.Nodes;
using Agent.Core.Protocol;

namespace Agent.Core.Stats;

/// <summary>
/// The stats message a router replica publishes on <see cref="StatsKeys.Router"/> (new: the ioppytest router has
/// none). Replicas share the key, so each says which one it is.
/// </summary>
public sealed record RouterStats(
    string Component,
    string Replica,
    double UptimeSeconds,
    IReadOnlyList<string> Agents,
    IReadOnlyDictionary<string, RoutedTraffic> Traffic)
{
    /// <summary>The name the router announces itself with (PROTOCOL.md 6), assumed when a body leaves it out.</summary>
    public const string DefaultComponent = "packetrouting";

    public byte[] ToJson(DateTimeOffset now)
    {
        var body = Wire.NewBody();
        body["component"] = Component;
        body["replica"] = Replica;
        body["uptime_s"] = UptimeSeconds;
        body["agents"] = new JsonArray(Agents.Select(a => (JsonNode?)a).ToArray());
        var traffic = new JsonObject();
        foreach (var (agent, counts) in Traffic)
            traffic[agent] = new JsonObject { ["received"] = counts.Received, ["forwarded"] = counts.Forwarded, ["dropped"] = counts.Dropped };
        body["traffic"] = traffic;
        body["timestamp"] = Math.Round(now.ToUnixTimeMilliseconds() / 1000.0, 3);
        return Wire.ToBytes(body);
    }

    /// <summary>Any JSON object is accepted: missing fields are empty or zero, unknown ones ignored, agents only as strings. Null otherwise.</summary>
    public static RouterStats? TryParse(ReadOnlySpan<byte> json)
    {
        if (Wire.TryParseObject(json) is not { } body) return null;
        var agents = body["agents"] is JsonArray list
            ? list.Select(n => n is JsonValue v && v.TryGetValue<string>(out var a) ? a : "").Where(a => a.Length > 0).ToList()
            : [];
        var traffic = new SortedDictionary<string, RoutedTraffic>(StringComparer.Ordinal);
        if (body["traffic"] is JsonObject perAgent)
        {
            foreach (var (agent, node) in perAgent)
            {
                if (node is not JsonObject counts) continue;
                traffic[agent] = new RoutedTraffic(Wire.Integer(counts, "received") ?? 0, Wire.Integer(counts, "forwarded") ?? 0,
                    Wire.Integer(counts, "dropped") ?? 0);
            }
        }
        return new RouterStats(Wire.Text(body, "component") ?? DefaultComponent, Wire.Text(body, "replica") ?? "",
            body["uptime_s"] is JsonValue u && u.TryGetValue<double>(out var up) ? up : 0, agents, traffic);
    }

    /// <summary>One line: <c>2 agents, up 61 s; agent_1 received 12, forwarded 24, dropped 0; agent_2 ...</c>.</summary>
    public string Summary()
    {
        var parts = Traffic.OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => $"{t.Key} received {t.Value.Received}, forwarded {t.Value.Forwarded}, dropped {t.Value.Dropped}");
        return string.Join("; ", parts.Prepend($"{Agents.Count} agents, up {UptimeSeconds:0} s"));
    }
}
