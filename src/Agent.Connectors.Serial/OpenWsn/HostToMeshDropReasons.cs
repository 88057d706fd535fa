namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>
/// Why a packet from the host was not sent into the mesh: the names the counters and logs use (OPENWSN.md D.4), prefixed
/// like <see cref="OpenWsnDropReasons"/> so that both halves can share one drop table.
/// </summary>
public static class HostToMeshDropReasons
{
    /// <summary>Not one well-formed IPv6 packet (version, header, payload length).</summary>
    public const string NotIpv6 = "openwsn-not-ipv6";

    /// <summary>A multicast destination: OV never sends multicast down (D.4.1).</summary>
    public const string Multicast = "openwsn-multicast";

    /// <summary>A traffic class other than 0: OV's IPHC only elides it (NotImplementedError, D.4.1).</summary>
    public const string TrafficClass = "openwsn-traffic-class";

    /// <summary>ICMPv6 destination unreachable (type 1), which OV does not forward to motes (D.4.1).</summary>
    public const string DestinationUnreachable = "openwsn-icmpv6-unreachable";

    /// <summary>No DAO-learnt source route of at least two entries to the destination (D.4.2).</summary>
    public const string NoSourceRoute = "openwsn-no-source-route";

    /// <summary>A compressed datagram over 1320 bytes, which motes drop as ERR_FRAG_INVALID_SIZE (D.4.4).</summary>
    public const string DatagramTooBig = "openwsn-datagram-too-big";

    /// <summary>A D frame whose body is outside 8..126 bytes or that overflows the mote's 199-byte input (A, C).</summary>
    public const string FrameTooLong = "openwsn-frame-too-long";
}
