using System.Collections.Concurrent;
using Agent.Core.Addressing;
using Agent.Core.Protocol;

namespace Agent.Core.Routing;

/// <summary>
/// What the router works out once and then looks up for every packet, so that routing one costs no allocation: the
/// sender and suffix of a routing key, the plan's owner of an address nobody announced, and each (sender, owner)
/// pair's destinations with their routing keys, until the agents known or their flags change. Each map is bounded:
/// past its bound (junk keys, scans of addresses) a lookup is worked out each time instead.
/// </summary>
public sealed class RouteCache
{
    public const int Bound = 4096;

    /// <summary>The agents a packet goes to and their <c>toAgent</c> keys; <see cref="NoRoute"/> when its owner is unreachable.</summary>
    public sealed record Route(string[] Agents, string[] Keys, bool NoRoute, int Version);

    private readonly ConcurrentDictionary<string, (string From, string Suffix)> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<HostAddress, string?> _planOwners = new();
    private readonly ConcurrentDictionary<(string From, string? Owner, string Suffix), Route> _routes = new();

    /// <summary>Splits <c>fromAgent.NAME.REST</c> as <see cref="Topics.TryParseFromAgent"/> does, remembered.</summary>
    public bool TryParseFromAgent(string routingKey, out string from, out string rest)
    {
        if (_keys.TryGetValue(routingKey, out var parsed))
        {
            (from, rest) = parsed;
            return true;
        }
        if (!Topics.TryParseFromAgent(routingKey, out from, out rest)) return false;
        if (_keys.Count < Bound) _keys.TryAdd(routingKey, (from, rest));
        return true;
    }

    /// <summary>The agent_N the address plan gives <paramref name="address"/> (bbbb::N, 10.2.0.N), remembered.</summary>
    public string? PlanOwner(HostAddress address)
    {
        if (_planOwners.TryGetValue(address, out var owner)) return owner;
        owner = AddressPlan.OwnerOf(address.ToIPAddress())?.Value;
        if (_planOwners.Count < Bound) _planOwners.TryAdd(address, owner);
        return owner;
    }

    /// <summary>The route of a packet from <paramref name="from"/> towards <paramref name="owner"/>, worked out by <paramref name="compute"/> when the one remembered is older than <paramref name="version"/>.</summary>
    public Route Get(string from, string? owner, string rest, int version, Func<string, string?, string, Route> compute)
    {
        var key = (from, owner, rest);
        if (_routes.TryGetValue(key, out var route) && route.Version == version) return route;
        route = compute(from, owner, rest);
        if (_routes.Count >= Bound) _routes.Clear();
        _routes[key] = route;
        return route;
    }
}
