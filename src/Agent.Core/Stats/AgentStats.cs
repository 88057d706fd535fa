using System.Text.Json.Nodes;
using Agent.Core.Drops;
using Agent.Core.Protocol;
using Agent.Core.Relay;

namespace Agent.Core.Stats;

/// <summary>
/// The small stats message an agent publishes on <c>fromAgent.&lt;name&gt;.stats</c> (new: the original agent had
/// none). It also tells a router that starts later which agents the session has.
/// </summary>
public sealed record AgentStats(
    string Name,
    string Kind,
    IReadOnlyList<string> Addresses,
    long UpPackets,
    long UpBytes,
    long DownPackets,
    long DownBytes,
    IReadOnlyDictionary<string, long> Drops,
    long Reconnects,
    double UptimeSeconds,
    BusHealth? Health = null,
    string? Instance = null)
{
    public static AgentStats Of(string name, string kind, IReadOnlyList<string> addresses, TrafficCounters counters, long reconnects, TimeSpan uptime,
        BusHealth? health = null, string? instance = null) =>
        new(name, kind, addresses, counters.UpPackets, counters.UpBytes, counters.DownPackets, counters.DownBytes, counters.Drops.ByName(),
            reconnects, Math.Round(uptime.TotalSeconds, 1), health, instance);

    public byte[] ToJson(DateTimeOffset now)
    {
        var body = Wire.NewBody();
        body["name"] = Name;
        body["kind"] = Kind;
        body["addresses"] = new JsonArray(Addresses.Select(a => (JsonNode?)a).ToArray());
        body["up_packets"] = UpPackets;
        body["up_bytes"] = UpBytes;
        body["down_packets"] = DownPackets;
        body["down_bytes"] = DownBytes;
        var drops = new JsonObject();
        foreach (var (reason, count) in Drops) drops[reason] = count;
        body["drops"] = drops;
        body["reconnects"] = Reconnects;
        body["uptime_s"] = UptimeSeconds;
        Health?.WriteTo(body);
        if (Instance is not null) body["instance"] = Instance;
        body["timestamp"] = Math.Round(now.ToUnixTimeMilliseconds() / 1000.0, 3);
        return Wire.ToBytes(body);
    }

    public static AgentStats? TryParse(ReadOnlySpan<byte> json)
    {
        if (Wire.TryParseObject(json) is not { } body || Wire.Text(body, "name") is not { } name) return null;
        var addresses = body["addresses"] is JsonArray list ? list.Select(n => n?.ToString() ?? "").ToList() : [];
        var drops = body["drops"] is JsonObject d
            ? d.Where(p => p.Value is JsonValue v && v.TryGetValue<long>(out _)).ToDictionary(p => p.Key, p => p.Value!.GetValue<long>())
            : [];
        return new AgentStats(name, Wire.Text(body, "kind") ?? "", addresses,
            Wire.Integer(body, "up_packets") ?? 0, Wire.Integer(body, "up_bytes") ?? 0,
            Wire.Integer(body, "down_packets") ?? 0, Wire.Integer(body, "down_bytes") ?? 0, drops,
            Wire.Integer(body, "reconnects") ?? 0,
            body["uptime_s"] is JsonValue u && u.TryGetValue<double>(out var up) ? up : 0,
            BusHealth.TryRead(body),
            Wire.Text(body, "instance"));
    }

    /// <summary>One line: <c>up 12 packets (1234 B), down 10 packets (987 B), dropped 0, reconnects 0, up 61 s</c>.</summary>
    public string Summary()
    {
        return $"up {UpPackets} packets ({UpBytes} B), down {DownPackets} packets ({DownBytes} B), {DropReasons.Describe(Drops)}, "
            + $"reconnects {Reconnects}, up {UptimeSeconds:0} s" + (Health is { } health ? health.Summary() : "");
    }
}
