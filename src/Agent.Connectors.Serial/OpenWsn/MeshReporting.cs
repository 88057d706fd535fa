using Agent.Core.Addressing;
using Agent.Core.Stats;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>The border router's view of its mesh as the <see cref="MeshReport"/> it publishes next to its stats.</summary>
public static class MeshReporting
{
    public static MeshReport Report(string name, Ipv6Prefix prefix, Eui64? root, MeshToHost up, HostToMeshCounters down)
    {
        var entries = up.Topology.Entries().ToDictionary(e => e.Mote);
        var ids = (root is { } r ? [r] : Array.Empty<Eui64>())
            .Concat(entries.Keys)
            .Concat(entries.Values.SelectMany(e => e.Parents))
            .Distinct()
            .OrderBy(id => id.Value);
        var motes = ids.Select(id => entries.TryGetValue(id, out var entry)
                ? new MoteReport(id.ToString(), id.WithPrefix(prefix).ToString(), entry.Parents.Select(p => p.ToString()).ToList(),
                    Hops(up.Topology, id, root), Math.Round(entry.Age.TotalSeconds, 1))
                : new MoteReport(id.ToString(), id.WithPrefix(prefix).ToString(), [], id == root ? 0 : null, null))
            .ToList();
        KeyValuePair<string, long>[] counters =
        [
            new("daos", up.Daos),
            new("routes", up.Topology.Count),
            new("expired_routes", up.Topology.Expired),
            new("fragments", up.Fragments),
            new("reassembled", up.Reassembled),
            new("reassembly_expired", up.Expired),
            new("duplicate_fragments", up.DuplicateFragments),
            new("pending_datagrams", up.PendingDatagrams),
            new("packets_up", up.Packets),
            new("datagrams_down", down.Datagrams),
            new("fragmented_down", down.Fragmented),
            new("frames_down", down.Frames),
            new("dropped_down", down.Dropped),
        ];
        return new MeshReport(name, root?.ToString(), prefix.ToString(), motes, counters);
    }

    /// <summary>Hops up the preferred parents to the root; null when the chain does not reach it (a loop, an orphan).</summary>
    private static int? Hops(Topology topology, Eui64 mote, Eui64? root)
    {
        var route = topology.Route(mote);
        if (route.Count == 0) return null;
        return root is { } r && route[^1] != r ? null : route.Count - 1;
    }
}
