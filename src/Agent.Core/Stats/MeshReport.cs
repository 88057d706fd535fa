using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Agent.Core.Protocol;

namespace Agent.Core.Stats;

/// <summary>
/// The OpenWSN mesh behind an <c>agent serial --payload openwsn</c>, as it publishes it on <c>fromAgent.&lt;name&gt;.mesh</c>
/// next to its stats (a key of ours): every mote the DAOs named, its parents (preferred first), its hops to the root and
/// how long ago its last DAO came, and the border router's counters (fragments, reassembly, DAOs).
/// </summary>
public sealed record MeshReport(string Name, string? Root, string Prefix, IReadOnlyList<MoteReport> Motes, IReadOnlyList<KeyValuePair<string, long>> Counters)
{
    public const string KeySuffix = "mesh";

    /// <summary>Binds the mesh of every serial agent.</summary>
    public const string AllAgents = $"fromAgent.*.{KeySuffix}";

    public static string Key(AgentName name) => Topics.FromAgent(name.Value, KeySuffix);

    /// <summary>Motes with a parent: one edge each to its preferred parent.</summary>
    public int Edges => Motes.Count(m => m.Parents.Count > 0);

    public byte[] ToJson(DateTimeOffset now)
    {
        var body = Wire.NewBody();
        body["name"] = Name;
        body["root"] = Root;
        body["prefix"] = Prefix;
        var motes = new JsonArray();
        foreach (var mote in Motes)
        {
            motes.Add((JsonNode)new JsonObject
            {
                ["eui64"] = mote.Eui64,
                ["address"] = mote.Address,
                ["parents"] = new JsonArray(mote.Parents.Select(p => (JsonNode?)p).ToArray()),
                ["hops"] = mote.Hops,
                ["last_dao_s"] = mote.LastDaoSecondsAgo,
            });
        }
        body["motes"] = motes;
        var counters = new JsonObject();
        foreach (var (name, value) in Counters) counters[name] = value;
        body["counters"] = counters;
        body["timestamp"] = Math.Round(now.ToUnixTimeMilliseconds() / 1000.0, 3);
        return Wire.ToBytes(body);
    }

    /// <summary>Null when the body is not a mesh report (no name, no list of motes).</summary>
    public static MeshReport? TryParse(ReadOnlySpan<byte> json)
    {
        if (Wire.TryParseObject(json) is not { } body || Wire.Text(body, "name") is not { } name || body["motes"] is not JsonArray list)
            return null;
        var motes = new List<MoteReport>();
        foreach (var node in list)
        {
            if (node is not JsonObject mote || Wire.Text(mote, "eui64") is not { } eui64) continue;
            var parents = mote["parents"] is JsonArray p ? p.Select(n => n?.ToString() ?? "").Where(s => s.Length > 0).ToList() : [];
            var age = mote["last_dao_s"] is JsonValue v && v.TryGetValue<double>(out var seconds) ? seconds : (double?)null;
            motes.Add(new MoteReport(eui64, Wire.Text(mote, "address") ?? "", parents, (int?)Wire.Integer(mote, "hops"), age));
        }
        var counters = body["counters"] is JsonObject c
            ? c.Where(kv => kv.Value is JsonValue x && x.TryGetValue<long>(out _)).Select(kv => KeyValuePair.Create(kv.Key, kv.Value!.GetValue<long>())).ToList()
            : [];
        return new MeshReport(name, Wire.Text(body, "root"), Wire.Text(body, "prefix") ?? "", motes, counters);
    }

    /// <summary>
    /// The mesh as <c>agent status</c> prints it under the table: a header with the counters, then one line per mote,
    /// as a tree from the root (<c>  14-15-92-cc-00-00-00-02  bbbb::1415:92cc:0:2  1 hop   parent ...01  DAO 3s ago</c>).
    /// </summary>
    public void AppendTo(StringBuilder text)
    {
        var counters = Counters.Count > 0 ? ": " + string.Join(", ", Counters.Select(c => $"{c.Key.Replace('_', ' ')} {c.Value.ToString(CultureInfo.InvariantCulture)}")) : "";
        text.Append($"Mesh of {Name} ({Motes.Count} motes, {Edges} edges, root {Root ?? "not known yet"}){counters}\n");
        foreach (var mote in Motes.OrderBy(m => m.Hops ?? int.MaxValue).ThenBy(m => m.Eui64, StringComparer.Ordinal))
        {
            var hops = mote.Eui64 == Root ? "root" : mote.Hops is { } h ? (h == 1 ? "1 hop" : $"{h} hops") : "? hops";
            var parent = mote.Parents.Count > 0 ? $"  parent {string.Join(", ", mote.Parents)}" : "";
            var dao = mote.LastDaoSecondsAgo is { } s ? $"  DAO {SessionStatus.Duration(TimeSpan.FromSeconds(s))} ago" : "";
            text.Append($"  {mote.Eui64}  {mote.Address}  {hops}{parent}{dao}\n");
        }
    }
}

/// <summary>One mote of a <see cref="MeshReport"/>; the root has no parents and no DAO.</summary>
public sealed record MoteReport(string Eui64, string Address, IReadOnlyList<string> Parents, int? Hops, double? LastDaoSecondsAgo);
