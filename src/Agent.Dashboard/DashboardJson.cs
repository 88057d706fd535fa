using System.Text.Json;
using System.Text.Json.Nodes;
using Agent.Core.Stats;

namespace Agent.Dashboard;

/// <summary>
/// What the page receives over Server-Sent Events. Stats, router stats and meshes go in the very shape they have on the
/// bus (their own <c>ToJson</c>), so the page reads what <c>agent status</c> reads; the dashboard adds only when each
/// was heard, and the sparkline points.
/// </summary>
public static class DashboardJson
{
    public static string State(SessionView view, DateTimeOffset now)
    {
        var agents = new JsonArray();
        foreach (var agent in view.Status.Agents)
        {
            agents.Add((JsonNode)new JsonObject
            {
                ["name"] = agent.Name,
                ["kind"] = agent.Kind,
                ["addresses"] = new JsonArray(agent.Addresses.Select(a => (JsonNode?)a).ToArray()),
                ["seen_s"] = agent.ReportedByRouter ? null : Seconds(now - agent.LastSeen),
                ["left_s"] = agent.LeftAt is { } left ? Seconds(now - left) : null,
                ["stats"] = agent.Stats is { } stats ? Bus(stats.ToJson(now)) : null,
                ["rates"] = new JsonArray(view.Rates.Of(agent.Name).Select(r => (JsonNode?)r).ToArray()),
            });
        }
        var routers = new JsonArray();
        foreach (var router in view.Status.Routers)
        {
            var body = Bus(router.Stats.ToJson(now));
            body["seen_s"] = Seconds(now - router.LastSeen);
            body["left_s"] = router.LeftAt is { } left ? Seconds(now - left) : null;
            routers.Add((JsonNode)body);
        }
        var meshes = new JsonArray(view.Status.Meshes.Select(m => (JsonNode?)Bus(m.ToJson(now))).ToArray());
        var state = new JsonObject
        {
            ["agents"] = agents,
            ["routers"] = routers,
            ["meshes"] = meshes,
            ["ring"] = new JsonObject
            {
                ["packets"] = view.Packets.Count,
                ["forgotten"] = view.Packets.Forgotten,
                ["unreadable"] = view.Unreadable,
                ["keep_minutes"] = view.Packets.Keep.TotalMinutes,
            },
        };
        return state.ToJsonString();
    }

    /// <summary>The packets for the list: <c>[{"seq", "t" (Unix ms), "from", "to", "line"}]</c>.</summary>
    public static string Packets(IReadOnlyList<RingPacket> packets) =>
        JsonSerializer.Serialize(packets.Select(p => new PacketLine(p.Sequence, p.Record.Timestamp.ToUnixTimeMilliseconds(), p.Record.Agent, p.To, p.Line)),
            LineContext.Default.IEnumerablePacketLine);

    private static JsonObject Bus(byte[] json) => JsonNode.Parse(json)!.AsObject();

    private static double Seconds(TimeSpan span) => Math.Max(0, Math.Round(span.TotalSeconds, 1));
}

public sealed record PacketLine(long Seq, long T, string From, string To, string Line);

[System.Text.Json.Serialization.JsonSerializable(typeof(IEnumerable<PacketLine>))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class LineContext : System.Text.Json.Serialization.JsonSerializerContext;
