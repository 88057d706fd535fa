using System.Net;
using FirmwareSim.Ip;

namespace FirmwareSim;

/// <summary>
/// Who the mote is: its EUI-64, its IPv6 interface identifier and link-local address, a global IPv6 address fixed
/// by --address (else learnt from the host's prefix), and an optional IPv4 address.
/// </summary>
public sealed class MoteIdentity
{
    private readonly byte[] _interfaceIdentifier;

    private MoteIdentity(Eui64 mac, byte[] interfaceIdentifier, IPAddress? address, IPAddress? ipv4)
    {
        Mac = mac;
        _interfaceIdentifier = interfaceIdentifier;
        Address = address;
        Ipv4 = ipv4;
        LinkLocal = WithPrefix([0xFE, 0x80, 0, 0, 0, 0, 0, 0]);
    }

    public Eui64 Mac { get; }

    /// <summary>The global address given with --address, or null when it is to be learnt (<c>?P</c> / <c>!P</c>).</summary>
    public IPAddress? Address { get; }

    public IPAddress? Ipv4 { get; }

    public IPAddress LinkLocal { get; }

    public ReadOnlySpan<byte> InterfaceIdentifier => _interfaceIdentifier;

    /// <summary>
    /// The interface identifier comes from --mac when given (EUI-64, RFC 4291); else from the low 64 bits of
    /// --address (so bbbb::3 also answers on fe80::3, as the agents of PROTOCOL.md 5 do); else from the default MAC.
    /// </summary>
    public static MoteIdentity Create(Eui64? mac, IPAddress? address, IPAddress? ipv4)
    {
        var iid = mac?.InterfaceIdentifier() ?? address?.GetAddressBytes()[8..] ?? Eui64.Default.InterfaceIdentifier();
        return new MoteIdentity(mac ?? Eui64.Default, iid, address, ipv4);
    }

    /// <summary>The /64 <paramref name="prefix"/> (8 bytes) followed by this mote's interface identifier.</summary>
    public IPAddress WithPrefix(ReadOnlySpan<byte> prefix)
    {
        if (prefix.Length != 8) throw new ArgumentException("A /64 prefix has 8 bytes.", nameof(prefix));
        return new IPAddress([.. prefix, .. _interfaceIdentifier]);
    }
}
