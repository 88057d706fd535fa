using System.Net;
using FirmwareSim.Ip;

namespace FirmwareSim.Mesh;

/// <summary>
/// One mote behind the DAG root (A, B, C, ...): its EUI-64, its DAG rank, the state of its fragmentation and DAO
/// sending, and its tiny IP host. Its addresses are a prefix + the EUI-64 unchanged, no universal/local bit flip
/// (FW packetfunctions_mac64bToIp128b, OPENWSN.md D.1).
/// </summary>
public sealed class MeshMote
{
    private static readonly byte[] LinkLocalPrefix = [0xFE, 0x80, 0, 0, 0, 0, 0, 0];

    private readonly byte[] _eui;
    private ushort _fragmentTag;

    /// <param name="fragmentTag">The tag before the first fragmented datagram: FW frag_init draws it as
    /// random &amp; 0x7FF and increments it before each fragmented datagram it originates.</param>
    /// <param name="daoSequence">DAOSequence of the next DAO; the default is the vectors' value.</param>
    /// <param name="pathSequence">Path sequence of the next DAO's transit option; the default is the vectors' value.</param>
    public MeshMote(string name, ReadOnlySpan<byte> eui64, ushort rank, ushort fragmentTag, byte daoSequence = 5, byte pathSequence = 4)
    {
        if (eui64.Length != 8) throw new ArgumentException("An EUI-64 has 8 bytes.", nameof(eui64));
        Name = name;
        _eui = eui64.ToArray();
        Rank = rank;
        _fragmentTag = fragmentTag;
        DaoSequence = daoSequence;
        PathSequence = pathSequence;
        Host = new IpHost(new IPAddress([.. LinkLocalPrefix, .. _eui]));
    }

    /// <summary>A, B, C, ...: for log lines.</summary>
    public string Name { get; }

    public ReadOnlySpan<byte> Eui64 => _eui;

    /// <summary>The DAG rank, written into the RPI-6LoRH of every packet it sends or relays upwards.</summary>
    public ushort Rank { get; set; }

    public byte DaoSequence { get; private set; }

    public byte PathSequence { get; private set; }

    /// <summary>Answers echo requests and UDP echo on its link-local address and, once the mesh has a prefix, its global one.</summary>
    public IpHost Host { get; }

    /// <summary>The tag of the next fragmented datagram (FW: global_tag++ first, uint16, wraps).</summary>
    public ushort NextFragmentTag() => ++_fragmentTag;

    /// <summary>Called once a DAO is sent: both sequences move on.</summary>
    public void DaoSent()
    {
        DaoSequence++;
        PathSequence++;
    }

    /// <summary>The global address: <paramref name="prefix"/> + EUI-64.</summary>
    public byte[] Address(ReadOnlySpan<byte> prefix) => [.. prefix, .. _eui];

    /// <summary>True when <paramref name="address"/> is this mote's address in <paramref name="prefix"/> or on the link.</summary>
    public bool Owns(ReadOnlySpan<byte> address, ReadOnlySpan<byte> prefix) =>
        address.Length == 16 && address[8..].SequenceEqual(_eui) && (address[..8].SequenceEqual(prefix) || address[..8].SequenceEqual(LinkLocalPrefix));

    public override string ToString() => $"{Name} ({Convert.ToHexStringLower(_eui)})";
}
