namespace Agent.Core.Drops;

/// <summary>The names of <see cref="DropReason"/>s, as counters, logs and stats bodies write them.</summary>
public static class DropReasons
{
    /// <summary>Every reason, in declaration order.</summary>
    public static IReadOnlyList<DropReason> All { get; } = Enum.GetValues<DropReason>();

    private static readonly string[] Names = All.Select(NameOf).ToArray();

    /// <summary><c>malformed-json</c>, <c>openwsn-bad-lowpan</c> ...</summary>
    public static string Name(this DropReason reason) => Names[(int)reason];

    private static string NameOf(DropReason reason) => reason switch
    {
        DropReason.MalformedJson => "malformed-json",
        DropReason.NotIpPacket => "not-ip-packet",
        DropReason.EmptyFrame => "empty-frame",
        DropReason.BadControl => "bad-control",
        DropReason.NotStarted => "not-started",
        DropReason.Backlog => "backlog",
        DropReason.Oversize => "oversize",
        DropReason.NotForMote => "not-for-mote",
        DropReason.NotForThisAgent => "not-for-this-agent",
        DropReason.Stopping => "stopping",
        DropReason.UplinkOverflow => "uplink-overflow",
        DropReason.DeviceWrite => "device-write",
        DropReason.DeviceAbsent => "device-absent",
        DropReason.BadFcs => "bad-fcs",
        DropReason.BadEscape => "bad-escape",
        DropReason.UnknownFirstByte => "unknown-first-byte",
        DropReason.BusUnavailable => "bus-unavailable",
        DropReason.BrokerBlocked => "broker-blocked",
        DropReason.BrokerRefused => "broker-refused",
        DropReason.Unconfirmed => "unconfirmed",
        DropReason.Lossy => "lossy",
        DropReason.NoRoute => "no-route",
        DropReason.Redelivered => "redelivered",
        DropReason.UnknownLinkType => "unknown-link-type",
        DropReason.WriteFailed => "write-failed",
        DropReason.SnifferNotIp => "not-ip",
        DropReason.SnifferNotTunOrSerial => "not-tun-or-serial",
        DropReason.SnifferCaptureFull => "capture-full",
        DropReason.OpenWsnEmptyFrame => "openwsn-empty-frame",
        DropReason.OpenWsnShortFrame => "openwsn-short-frame",
        DropReason.OpenWsnUnknownFrameType => "openwsn-unknown-frame-type",
        DropReason.OpenWsnSniffedPacket => "openwsn-sniffed-packet",
        DropReason.OpenWsnPrintf => "openwsn-printf",
        DropReason.OpenWsnBadFragment => "openwsn-bad-fragment",
        DropReason.OpenWsnDatagramTooLarge => "openwsn-datagram-too-large",
        DropReason.OpenWsnReassemblyTimeout => "openwsn-reassembly-timeout",
        DropReason.OpenWsnReassemblyFull => "openwsn-reassembly-full",
        DropReason.OpenWsnBadLowpan => "openwsn-bad-lowpan",
        DropReason.OpenWsnUnsupportedLowpan => "openwsn-unsupported-lowpan",
        DropReason.OpenWsnBadDao => "openwsn-bad-dao",
        DropReason.OpenWsnNotForMesh => "openwsn-not-for-mesh",
        DropReason.OpenWsnUnknownMote => "openwsn-unknown-mote",
        DropReason.OpenWsnNotIpv6 => "openwsn-not-ipv6",
        DropReason.OpenWsnMulticast => "openwsn-multicast",
        DropReason.OpenWsnTrafficClass => "openwsn-traffic-class",
        DropReason.OpenWsnDestinationUnreachable => "openwsn-icmpv6-unreachable",
        DropReason.OpenWsnNoSourceRoute => "openwsn-no-source-route",
        DropReason.OpenWsnDatagramTooBig => "openwsn-datagram-too-big",
        DropReason.OpenWsnFrameTooLong => "openwsn-frame-too-long",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "a drop reason without a name"),
    };

    /// <summary>
    /// <c>dropped 0</c>, or <c>dropped 3 (malformed-json 1, not-ip-packet 2)</c>: the one way counts by reason are written
    /// in a line (<paramref name="verb"/>: <c>skipped</c> for a capture).
    /// </summary>
    public static string Describe(IEnumerable<KeyValuePair<string, long>> drops, string verb = "dropped")
    {
        var nonZero = drops.Where(d => d.Value != 0).OrderBy(d => d.Key, StringComparer.Ordinal).ToList();
        return nonZero.Count == 0
            ? $"{verb} 0"
            : $"{verb} {nonZero.Sum(d => d.Value)} ({string.Join(", ", nonZero.Select(d => $"{d.Key} {d.Value}"))})";
    }
}
