using System.Buffers.Binary;
using System.Net;
using FirmwareSim.Ip;
using FirmwareSim.Lowpan;

namespace FirmwareSim.Mesh;

/// <summary>
/// The motes behind the DAG root, in a chain: root &lt;- A &lt;- B &lt;- C ... Each mote's preferred parent is the one
/// before it. Packets a mote originates go up hop by hop, every relay rewriting the RPI-6LoRH with its own rank;
/// packets from the host come down the source route of their RH3-6LoRHs. Everything here is the motes' side of
/// 6LoWPAN, written apart from the agent's (DESIGN.md, layout).
/// </summary>
public sealed class MeshNetwork
{
    /// <summary>MINHOPRANKINCREASE: the DAG root's rank.</summary>
    public const ushort RootRank = 256;

    public const byte HopLimit = 64;

    private const byte Icmpv6 = 58;
    private const byte RplIcmpType = 155;
    private const byte DaoCode = 2;
    private const byte DaoFlagsDodagIdPresent = 0x40;
    private const byte TargetOption = 0x05;
    private const byte TransitOption = 0x06;
    private const byte PathLifetime = 0xAA;

    private readonly byte[] _root;
    private byte[]? _prefix;

    /// <param name="rootEui64">The DAG root's EUI-64.</param>
    /// <param name="motes">The chain, the root's child first.</param>
    public MeshNetwork(ReadOnlySpan<byte> rootEui64, IReadOnlyList<MeshMote> motes)
    {
        if (rootEui64.Length != 8) throw new ArgumentException("An EUI-64 has 8 bytes.", nameof(rootEui64));
        _root = rootEui64.ToArray();
        Motes = motes;
    }

    /// <summary>
    /// A chain of <paramref name="count"/> - 1 motes behind the root, named A, B, C, ..., whose EUI-64s follow the
    /// root's (…:01 -> …:02, …:03, …); ranks 0x0300, 0x0400, ... as in the vectors; fragment tags drawn from
    /// <paramref name="random"/> as frag_init does.
    /// </summary>
    public static MeshNetwork Chain(ReadOnlySpan<byte> rootEui64, int count, Random random)
    {
        var root = BinaryPrimitives.ReadUInt64BigEndian(rootEui64);
        var motes = new List<MeshMote>();
        for (var depth = 1; depth < count; depth++)
        {
            var eui = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(eui, root + (ulong)depth);
            var rank = (ushort)(2 * RootRank + depth * RootRank);
            motes.Add(new MeshMote(Name(depth), eui, rank, (ushort)(random.Next(0x10000) & 0x7FF)));
        }
        return new MeshNetwork(rootEui64, motes);
    }

    public ReadOnlySpan<byte> RootEui64 => _root;

    public IReadOnlyList<MeshMote> Motes { get; }

    /// <summary>The /64 the root announces in its DIOs; null until it was first made root. Motes keep it across a
    /// root reboot: they stay in the DODAG they knew.</summary>
    public ReadOnlySpan<byte> Prefix => _prefix;

    public bool HasPrefix => _prefix is not null;

    /// <summary>prefix + the root's EUI-64: where DAOs go, and the DODAG's id.</summary>
    public byte[] DodagId => [.. RequirePrefix(), .. _root];

    /// <summary>The root was made root with <paramref name="prefix"/>: its DIOs give every mote its global address.</summary>
    public void Announce(ReadOnlySpan<byte> prefix)
    {
        if (prefix.Length != 8) throw new ArgumentException("A /64 prefix has 8 bytes.", nameof(prefix));
        _prefix = prefix.ToArray();
        foreach (var mote in Motes) mote.Host.Global = new IPAddress(mote.Address(_prefix));
    }

    /// <summary>The mote with this EUI-64, or null.</summary>
    public MeshMote? Find(ReadOnlySpan<byte> eui64)
    {
        foreach (var mote in Motes)
            if (mote.Eui64.SequenceEqual(eui64)) return mote;
        return null;
    }

    /// <summary>The preferred parent, or null for the root's child (whose parent is the root).</summary>
    public MeshMote? Parent(MeshMote mote)
    {
        var index = IndexOf(mote);
        return index == 0 ? null : Motes[index - 1];
    }

    public MeshMote? Child(MeshMote mote)
    {
        var index = IndexOf(mote);
        return index + 1 < Motes.Count ? Motes[index + 1] : null;
    }

    /// <summary>
    /// Sends <paramref name="packet"/> from <paramref name="origin"/> towards the root: compressed as the firmware
    /// does, cut into fragments by the originator when longer than 85 bytes (if <paramref name="mayFragment"/>), each
    /// piece relayed hop by hop. Returns the 6LoWPAN frames as the root receives them from its child, in order.
    /// </summary>
    public IReadOnlyList<byte[]> SendUp(MeshMote origin, ReadOnlySpan<byte> packet, bool mayFragment = true)
    {
        var datagram = UpstreamCompressor.Compress(packet, RequirePrefix(), origin.Rank);
        IReadOnlyList<byte[]> pieces = mayFragment && Fragmenter.NeedsFragmenting(datagram.Length)
            ? Fragmenter.Fragment(datagram, origin.NextFragmentTag())
            : [datagram];
        for (var relay = Parent(origin); relay is not null; relay = Parent(relay))
            pieces = [.. pieces.Select(piece => Relay(relay, piece))];
        return pieces;
    }

    /// <summary>
    /// Takes a whole datagram (reassembled if it came in fragments) that the root sent to its neighbour
    /// <paramref name="nextHop"/>, and follows it down: each mote takes itself off the head of the source route and
    /// hands the packet to the next hop, which must be its child; the mote the IPv6 destination names gets it.
    /// </summary>
    public MeshDelivery Deliver(ReadOnlySpan<byte> nextHop, ReadOnlySpan<byte> datagram)
    {
        if (_prefix is null) return MeshDelivery.Dropped("the motes have no prefix yet (the root was never made root)");
        var current = Find(nextHop);
        if (current is null || IndexOf(current) != 0)
            return MeshDelivery.Dropped($"next hop {Convert.ToHexStringLower(nextHop)} is not a neighbour of the root (its child is {Motes.FirstOrDefault()?.ToString() ?? "nobody"})");
        if (!DownstreamDecoder.TryDecode(datagram, _prefix, DodagId, out var decoded, out var error))
            return MeshDelivery.Dropped($"{current.Name} cannot read the datagram: {error}");

        var hops = decoded!.Hops;
        var next = 0;
        while (true)
        {
            while (next < hops.Count && current.Owns(hops[next], _prefix)) next++;
            var target = next < hops.Count ? hops[next] : decoded.Destination.ToArray();
            if (next == hops.Count && current.Owns(target, _prefix)) return new MeshDelivery(current, decoded.Packet, null);
            var child = Child(current);
            if (child is null || !child.Owns(target, _prefix))
                return MeshDelivery.Dropped($"{current.Name} has no neighbour {new IPAddress(target)} (its child is {child?.ToString() ?? "nobody"}): no next hop");
            current = child;
        }
    }

    /// <summary>
    /// The DAO <paramref name="mote"/> sends to the DODAGID (FW icmpv6rpl.c sendDAO, OPENWSN.md D.3): non-storing,
    /// D flag, a Target option for its child only (not itself), a Transit option for its preferred parent.
    /// </summary>
    public byte[] Dao(MeshMote mote)
    {
        var prefix = RequirePrefix();
        var dodagId = DodagId;
        var child = Child(mote);
        var parent = Parent(mote);
        var icmp = new List<byte> { RplIcmpType, DaoCode, 0, 0, 0 /* instance */, DaoFlagsDodagIdPresent, 0 /* reserved */, mote.DaoSequence };
        icmp.AddRange(dodagId);
        if (child is not null)
        {
            icmp.AddRange([TargetOption, 18, 0 /* flags */, 128 /* prefix length */]);
            icmp.AddRange(child.Address(prefix));
        }
        icmp.AddRange([TransitOption, 20, 0 /* E=0 */, 0 /* path control */, mote.PathSequence, PathLifetime]);
        icmp.AddRange(parent is null ? dodagId : parent.Address(prefix));
        return Ipv6(mote.Address(prefix), dodagId, Icmpv6, [.. icmp], checksumOffset: 2);
    }

    private static byte[] Ipv6(byte[] source, byte[] destination, byte nextHeader, byte[] message, int checksumOffset)
    {
        var packet = new byte[40 + message.Length];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)message.Length);
        packet[6] = nextHeader;
        packet[7] = HopLimit;
        source.CopyTo(packet, 8);
        destination.CopyTo(packet, 24);
        message.CopyTo(packet, 40);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(40 + checksumOffset), InternetChecksum.Ipv6(source, destination, nextHeader, message));
        return packet;
    }

    // A relay's part (FW iphc_receive / forwarding_receive): the RPI-6LoRH of a whole datagram or of a FRAG1 is
    // rebuilt with the relay's rank, R set when the sender's rank was lower (a rank error going up); FRAGNs carry no
    // RPI and pass unchanged. The FRAG1 header keeps the originator's size and tag (prepend_frag1_header).
    private static byte[] Relay(MeshMote relay, byte[] piece)
    {
        var at = LowpanDispatch.IsFrag1(piece[0]) ? FragmentHeader.Frag1Length : 0;
        if (LowpanDispatch.IsFragN(piece[0]) || at >= piece.Length || piece[at] != LowpanDispatch.Page1) return piece;
        if (!RplPacketInformation.TryParse(piece.AsSpan(at + 1), out var rpi, out var length)) return piece;
        var rewritten = RplPacketInformation.Upward(relay.Rank, rankError: rpi.SenderRank < relay.Rank).Encode();
        return [.. piece.AsSpan(0, at + 1), .. rewritten, .. piece.AsSpan(at + 1 + length)];
    }

    private int IndexOf(MeshMote mote)
    {
        for (var i = 0; i < Motes.Count; i++)
            if (ReferenceEquals(Motes[i], mote)) return i;
        throw new ArgumentException($"{mote} is not in this mesh.", nameof(mote));
    }

    private byte[] RequirePrefix() => _prefix ?? throw new InvalidOperationException("The mesh has no prefix yet: the root was never made root.");

    // A, B, ..., Z, then A1, B1, ...
    private static string Name(int depth) =>
        depth <= 26 ? ((char)('A' + depth - 1)).ToString() : $"{(char)('A' + (depth - 1) % 26)}{(depth - 1) / 26}";
}
