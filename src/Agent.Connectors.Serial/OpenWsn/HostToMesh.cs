using Agent.Core.Addressing;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>
/// The host-to-mesh half of the OpenWSN border router (OPENWSN.md D.4, E item 7): one IPv6 packet from the host
/// becomes the raw <c>D | nextHop(8) | 6LoWPAN</c> frames the DAG root mote takes (before HDLC), one per fragment.
/// Pure apart from the fragment tag and the counters; no I/O, no pacing (the caller spaces fragments ~10 ms apart).
/// </summary>
public sealed class HostToMesh
{
    /// <summary>PC-to-mote data frame type (SERFRAME_PC2MOTE_DATA, B).</summary>
    public const byte DataFrameType = (byte)'D';

    /// <summary>The mote takes a <c>D</c> body (next hop + 6LoWPAN) of 8..126 bytes, else logs 0x4E (C).</summary>
    public const int MinDataBodyLength = Eui64.Length;

    /// <inheritdoc cref="MinDataBodyLength"/>
    public const int MaxDataBodyLength = 126;

    /// <summary>Type + body + 2-byte FCS must fit 199 bytes of the mote's 200-byte input buffer (A).</summary>
    public const int MoteInputLimit = 199;

    private const int FcsLength = 2;

    private readonly LowpanEncoder _encoder;
    private readonly Fragmenter _fragmenter;
    private readonly Func<Eui64, IReadOnlyList<Eui64>?> _sourceRoute;

    /// <param name="networkPrefix">The mesh's /64 (bbbb::/64 under OV).</param>
    /// <param name="sourceRoute">The DAO-learnt route to a mote, <c>[mote, parent, ..., root]</c>, or null (D.3).</param>
    /// <param name="fragmenter">The tag state; one per DAG root. A new one (tag 1) if null.</param>
    public HostToMesh(Ipv6Prefix networkPrefix, Func<Eui64, IReadOnlyList<Eui64>?> sourceRoute, Fragmenter? fragmenter = null)
    {
        _encoder = new LowpanEncoder(networkPrefix);
        _sourceRoute = sourceRoute;
        _fragmenter = fragmenter ?? new Fragmenter();
    }

    public Ipv6Prefix NetworkPrefix => _encoder.NetworkPrefix;

    public HostToMeshCounters Counters { get; } = new();

    /// <summary>The frames for one IPv6 packet, or why it was dropped (counted either way). Never throws on packet content.</summary>
    public HostToMeshResult Encode(ReadOnlySpan<byte> ipv6Packet)
    {
        var encoded = _encoder.Encode(ipv6Packet, _sourceRoute);
        if (!encoded.Encoded) return Refuse(encoded.Refusal.Value);

        if (!_fragmenter.TryFragment(encoded.Datagram, out var pieces, out var tooBig))
            return Refuse(new Drop(DropReason.OpenWsnDatagramTooBig, tooBig));

        var frames = new byte[pieces.Count][];
        for (var i = 0; i < pieces.Count; i++)
        {
            var frame = DataFrame(encoded.NextHop, pieces[i]);
            var body = frame.Length - 1;
            if (body is < MinDataBodyLength or > MaxDataBodyLength || frame.Length + FcsLength > MoteInputLimit)
                return Refuse(new Drop(DropReason.OpenWsnFrameTooLong,
                    $"a D frame body of {body} bytes is outside {MinDataBodyLength}..{MaxDataBodyLength}"));
            frames[i] = frame;
        }
        Counters.CountSent(frames.Length);
        return HostToMeshResult.Success(frames, encoded.NextHop, encoded.Datagram.Length);
    }

    /// <summary>The raw frame <c>D | nextHop EUI-64 | 6LoWPAN datagram or fragment</c> (C, D.4.5).</summary>
    public static byte[] DataFrame(Eui64 nextHop, ReadOnlySpan<byte> lowpan)
    {
        var frame = new byte[1 + Eui64.Length + lowpan.Length];
        frame[0] = DataFrameType;
        nextHop.WriteTo(frame.AsSpan(1));
        lowpan.CopyTo(frame.AsSpan(1 + Eui64.Length));
        return frame;
    }

    private HostToMeshResult Refuse(Drop refusal)
    {
        Counters.CountDrop(refusal.Reason);
        return HostToMeshResult.Refuse(refusal);
    }
}
