using System.Net;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>
/// The mesh as the DAOs describe it: each mote's transit parents, and source routes down to a mote (OPENWSN.md D.3).
/// Kept across root reboots; only the 900 s expiry removes entries. Safe to use from several threads (DAOs arrive
/// on the serial reader, routes are asked for by the downlink).
/// </summary>
public sealed class Topology
{
    /// <summary>An entry not refreshed by a DAO for this long is deleted (OV topology NODE_TIMEOUT_THRESHOLD).</summary>
    public static readonly TimeSpan EntryLifetime = TimeSpan.FromSeconds(900);

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<Eui64, Entry> _parents = [];
    private long _expired;

    public Topology(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>How many motes have a parent entry (the root never has one).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                Purge();
                return _parents.Count;
            }
        }
    }

    /// <summary>Every EUI-64 the topology names: motes with an entry and their parents (the root among them).</summary>
    public IReadOnlyCollection<Eui64> Motes
    {
        get
        {
            lock (_lock)
            {
                Purge();
                return _parents.Keys.Concat(_parents.Values.SelectMany(e => e.Parents)).ToHashSet();
            }
        }
    }

    /// <summary>Entries deleted because no DAO refreshed them for <see cref="EntryLifetime"/>.</summary>
    public long Expired => Interlocked.Read(ref _expired);

    /// <summary>Records a DAO: its sender is the last 8 bytes of the IPv6 source, targets are ignored (D.3, as OV).</summary>
    public void Accept(IPAddress source, DaoMessage dao) => Update(Eui64.FromInterfaceId(source), dao.Parents);

    /// <summary>Sets a mote's parents, replacing what was known, and restarts its expiry.</summary>
    public void Update(Eui64 mote, IEnumerable<Eui64> parents)
    {
        var entry = new Entry(parents.ToArray(), _time.GetTimestamp());
        lock (_lock)
        {
            Purge();
            _parents[mote] = entry;
        }
    }

    /// <summary>The parents a mote's last DAO named, preferred first; empty if unknown.</summary>
    public IReadOnlyList<Eui64> ParentsOf(Eui64 mote)
    {
        lock (_lock)
        {
            Purge();
            return _parents.TryGetValue(mote, out var entry) ? entry.Parents : [];
        }
    }

    /// <summary>
    /// The source route to a mote, <c>[destination, parent, ..., root]</c>: follow each node's first parent until a
    /// node without an entry (the root) or a node already on the route (a loop) (D.3, OV sourceroute.py).
    /// Empty when the destination has no entry, as OV.
    /// </summary>
    public IReadOnlyList<Eui64> Route(Eui64 destination)
    {
        lock (_lock)
        {
            Purge();
            var route = new List<Eui64>();
            var node = destination;
            while (_parents.TryGetValue(node, out var entry) && entry.Parents.Length > 0)
            {
                if (route.Count == 0) route.Add(node);
                var parent = entry.Parents[0];
                if (route.Contains(parent)) break;
                route.Add(parent);
                node = parent;
            }
            return route;
        }
    }

    /// <summary>Every mote with an entry: its parents, preferred first, and how long ago its last DAO came.</summary>
    public IReadOnlyList<(Eui64 Mote, IReadOnlyList<Eui64> Parents, TimeSpan Age)> Entries()
    {
        lock (_lock)
        {
            Purge();
            return _parents.Select(p => (p.Key, (IReadOnlyList<Eui64>)p.Value.Parents, _time.GetElapsedTime(p.Value.Refreshed))).ToList();
        }
    }

    /// <summary>Deletes the stale entries now; every other member does it too.</summary>
    public void ExpireStale()
    {
        lock (_lock) Purge();
    }

    private void Purge()
    {
        var stale = _parents.Where(p => _time.GetElapsedTime(p.Value.Refreshed) >= EntryLifetime).Select(p => p.Key).ToList();
        foreach (var mote in stale) _parents.Remove(mote);
        Interlocked.Add(ref _expired, stale.Count);
    }

    private sealed record Entry(Eui64[] Parents, long Refreshed);
}
