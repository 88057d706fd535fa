using System.Collections.Concurrent;
using System.Net;
using Agent.Core.Addressing;
using Agent.Core.Protocol;

namespace Agent.Core.Routing;

/// <summary>
/// Who owns which address, learnt from the agents' <c>tun.started</c> announcements (PROTOCOL.md 3.2): the
/// re-route address, prefix::host, and the IPv4 address; and a re-routed prefix as a whole (the network behind the
/// agent's host). Serial agents announce their mote the same way.
/// </summary>
public sealed class AddressTable
{
    private readonly ConcurrentDictionary<HostAddress, string> _owners = new();
    private readonly ConcurrentDictionary<ulong, string> _prefixes = new();

    public int Count => _owners.Count;

    /// <summary>Records the addresses an announcement gives; returns them (for the log).</summary>
    public IReadOnlyList<IPAddress> Learn(string agent, TunConfigMessage started)
    {
        var learnt = new List<IPAddress>();
        void Add(IPAddress? address)
        {
            if (address is null) return;
            _owners[HostAddress.From(address)] = agent;
            learnt.Add(address);
        }
        Add(Ipv6(started.Ipv6Prefix, started.Ipv6Host));
        Add(Ipv6(started.ReRoutePacketsPrefix, started.ReRoutePacketsHost));
        Add(Ipv4(started.Ipv4Address) ?? Ipv4(started.Ipv4Host));
        if (started.ReRoutePacketsPrefix is { } text && Ipv6Prefix.TryParse(text, out var prefix, out _) && started.Ipv6NoForwarding != true)
            _prefixes[prefix.Value] = agent;
        return learnt;
    }

    /// <summary>Forgets every address and network <paramref name="agent"/> owned.</summary>
    public void Forget(string agent)
    {
        foreach (var (address, owner) in _owners) if (owner == agent) _owners.TryRemove(address, out _);
        foreach (var (prefix, owner) in _prefixes) if (owner == agent) _prefixes.TryRemove(prefix, out _);
    }

    /// <summary>The agent that owns <paramref name="address"/>, or the network it is in; null when nobody does.</summary>
    public string? Owner(HostAddress address) =>
        _owners.GetValueOrDefault(address)
        ?? (_prefixes.IsEmpty || address.IsV4 ? null : _prefixes.GetValueOrDefault(address.Prefix64));

    private static IPAddress? Ipv6(string? prefix, string? host) =>
        prefix is not null && host is not null
        && Ipv6Prefix.TryParse(prefix, out var p, out _) && Ipv6HostId.TryParse(host, out var h, out _)
            ? p.WithHost(h)
            : null;

    private static IPAddress? Ipv4(string? text) =>
        Ipv4Config.TryParse(text, out var config, out _) ? config!.Address : null;
}
