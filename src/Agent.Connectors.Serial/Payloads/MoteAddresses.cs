using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Agent.Connectors.Serial.Payloads;

/// <summary>
/// The addresses a mote is known to use, learnt from the sources of its packets (or given with --ipv6-host), so that
/// only packets for it, and multicast, go down an 11 kB/s line that hub routing would otherwise flood.
/// </summary>
public sealed class MoteAddresses
{
    private readonly ConcurrentDictionary<IPAddress, bool> _addresses = new();
    private IPAddress? _global;

    public MoteAddresses(IPAddress? known = null)
    {
        if (known is not null) Learn(known);
    }

    /// <summary>The mote's global IPv6 address, once known.</summary>
    public IPAddress? Global => Volatile.Read(ref _global);

    /// <summary>Every unicast address the mote was seen using.</summary>
    public IReadOnlyCollection<IPAddress> Known => _addresses.Keys.ToList();

    /// <summary>Remembers an address the mote uses; true when it is the mote's first global IPv6 address (announce it).</summary>
    public bool Learn(IPAddress source)
    {
        if (IsGroupOrUnspecified(source) || !_addresses.TryAdd(source, true)) return false;
        return source.AddressFamily == AddressFamily.InterNetworkV6 && !source.IsIPv6LinkLocal
            && Interlocked.CompareExchange(ref _global, source, null) is null;
    }

    /// <summary>True for multicast and broadcast, for the mote's own addresses, and for anything while its global address is unknown.</summary>
    public bool Accepts(IPAddress destination) =>
        Global is null || IsGroupOrUnspecified(destination) || _addresses.ContainsKey(destination);

    private static bool IsGroupOrUnspecified(IPAddress address) => address.AddressFamily switch
    {
        AddressFamily.InterNetworkV6 => address.IsIPv6Multicast || address.Equals(IPAddress.IPv6Any),
        _ => address.GetAddressBytes() is var b && (b[0] >= 224 || b.AsSpan().SequenceEqual(new byte[4]) || b[3] == 255),
    };
}
