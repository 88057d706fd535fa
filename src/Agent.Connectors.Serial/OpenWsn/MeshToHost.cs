using System.Net;
using Agent.Core.Addressing;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>
/// The mesh -> host half of the border router (OPENWSN.md D.2): reassembles fragments, decodes 6LoWPAN into IPv6,
/// and consumes the DAOs addressed to the root into the <see cref="Topology"/>. Pure and stateful, no I/O.
/// <see cref="Accept"/> is for one caller at a time (the serial reader); <see cref="ExpireStale"/> and the counters may
/// be used from any thread.
/// </summary>
public sealed class MeshToHost
{
    private const byte IcmpV6 = 58;

    private readonly FragmentReassembler _reassembler;
    private readonly DropCounts _drops = new();
    private long _fragments;
    private long _reassembled;
    private long _packets;
    private long _daos;

    /// <param name="prefix">The network prefix given to the root with <c>R</c>: context 0 of IPHC, and the DODAGID's /64.</param>
    /// <param name="topology">Shared with the host -> mesh half, which asks it for source routes; created if not given.</param>
    public MeshToHost(Ipv6Prefix prefix, TimeProvider time, Topology? topology = null, int maxPendingDatagrams = FragmentReassembler.DefaultMaxPending)
    {
        ArgumentNullException.ThrowIfNull(time);
        Prefix = prefix;
        Topology = topology ?? new Topology(time);
        _reassembler = new FragmentReassembler(time, maxPendingDatagrams);
    }

    public Ipv6Prefix Prefix { get; }

    public Topology Topology { get; }

    /// <summary><c>D</c> frames that carried a FRAG1 or FRAGN.</summary>
    public long Fragments => Interlocked.Read(ref _fragments);

    /// <summary>Datagrams completed from fragments.</summary>
    public long Reassembled => Interlocked.Read(ref _reassembled);

    /// <summary>Incomplete datagrams dropped 60 s after their first fragment (D.2.1).</summary>
    public long Expired => _reassembler.Expired;

    /// <summary>Fragments ignored because their piece had already arrived.</summary>
    public long DuplicateFragments => _reassembler.Duplicates;

    /// <summary>Datagrams still waiting for fragments.</summary>
    public int PendingDatagrams => _reassembler.Pending;

    /// <summary>IPv6 packets handed out to forward.</summary>
    public long Packets => Interlocked.Read(ref _packets);

    /// <summary>DAOs consumed into the topology.</summary>
    public long Daos => Interlocked.Read(ref _daos);

    /// <summary>Drops by reason, the reassembly timeouts and evictions included.</summary>
    public long Dropped(DropReason reason) => reason switch
    {
        DropReason.OpenWsnReassemblyTimeout => _reassembler.Expired,
        DropReason.OpenWsnReassemblyFull => _reassembler.Evicted,
        _ => _drops[reason],
    };

    /// <inheritdoc cref="FragmentReassembler.TakeLosses"/>
    public IEnumerable<Drop> TakeLosses() => _reassembler.TakeLosses();

    public MeshToHostResult Accept(MoteFrame.Data frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var lowpan = frame.Lowpan.Span;
        if (!lowpan.IsEmpty && FragmentReassembler.IsFragment(lowpan[0])) Interlocked.Increment(ref _fragments);

        ReadOnlyMemory<byte> datagram;
        switch (_reassembler.Accept(lowpan, frame.PreviousHop))
        {
            case ReassemblyResult.Complete complete:
                if (complete.WasFragmented) Interlocked.Increment(ref _reassembled);
                datagram = complete.Datagram;
                break;
            case ReassemblyResult.Waiting waiting:
                return new MeshToHostResult.Waiting(waiting.Duplicate);
            case ReassemblyResult.Dropped dropped:
                return Drop(dropped.Drop);
            default:
                throw new InvalidOperationException("unknown reassembly result");
        }

        // Fragments share the previous hop (it is part of their key), so this frame's header fits the whole datagram.
        var context = new LowpanContext(Prefix, frame.Root, frame.PreviousHop);
        if (!LowpanDecoder.TryDecode(datagram.Span, context, out var packet, out var error))
            return Drop(error with { Detail = $"{error.Detail} (from {frame.PreviousHop})" });

        var source = new IPAddress(packet.AsSpan(8, 16));
        var destination = new IPAddress(packet.AsSpan(24, 16));
        var l4 = packet.AsSpan(LowpanDecoder.Ipv6HeaderLength);
        // DAOs go to the DODAGID, prefix + root EUI-64, and are consumed by RPL, not forwarded (D.2.6, D.3).
        if (packet[6] == IcmpV6 && DaoMessage.IsDao(l4) && destination.Equals(frame.Root.WithPrefix(Prefix)))
        {
            if (!DaoMessage.TryParse(l4, out var dao, out var daoError))
                return Drop(new Drop(DropReason.OpenWsnBadDao, $"{daoError} (from {source})"));
            var mote = Eui64.FromInterfaceId(source);
            Topology.Accept(source, dao);
            Interlocked.Increment(ref _daos);
            return new MeshToHostResult.Dao(mote, dao.Parents, dao);
        }

        Interlocked.Increment(ref _packets);
        return new MeshToHostResult.Packet(packet, source, destination);
    }

    /// <summary>Drops stale incomplete datagrams and topology entries now (each is also done on the next use).</summary>
    public void ExpireStale()
    {
        _reassembler.ExpireStale();
        Topology.ExpireStale();
    }

    private MeshToHostResult.Dropped Drop(Drop drop)
    {
        _drops.Count(drop.Reason);
        return new MeshToHostResult.Dropped(drop);
    }
}
