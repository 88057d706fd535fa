using System.Text.Json.Nodes;
using Agent.Core.Protocol;

namespace Agent.Core.Stats;

/// <summary>
/// What an agent's stats say of its hold on the session, beyond its traffic: queues the broker deleted and that were
/// made again, whether the broker blocks its publishing now (a memory or disk alarm), and how often another agent was
/// heard using its name.
/// </summary>
public sealed record BusHealth(long Resubscribes, bool BrokerBlocked, long NameClashes)
{
    public void WriteTo(JsonObject body)
    {
        body["resubscribes"] = Resubscribes;
        body["broker_blocked"] = BrokerBlocked;
        body["name_clashes"] = NameClashes;
    }

    public static BusHealth? TryRead(JsonObject body) =>
        body["broker_blocked"] is JsonValue blocked && blocked.TryGetValue<bool>(out var isBlocked)
            ? new BusHealth(Wire.Integer(body, "resubscribes") ?? 0, isBlocked, Wire.Integer(body, "name_clashes") ?? 0)
            : null;

    /// <summary>Nothing when all is well; else <c>, broker blocked, resubscribed 1, name clashes 2</c>.</summary>
    public string Summary() =>
        (BrokerBlocked ? ", broker blocked" : "") + (Resubscribes > 0 ? $", resubscribed {Resubscribes}" : "")
        + (NameClashes > 0 ? $", name clashes {NameClashes}" : "");
}
