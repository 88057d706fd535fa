namespace Agent.Core.Drops;

/// <summary>
/// Why something was dropped: the one vocabulary that the counters, the logs, the stats body and <c>agent status</c>
/// share. Each reason has one name on the wire and in the logs (<see cref="DropReasons.Name"/>).
/// </summary>
public enum DropReason
{
    // Bus to device.

    /// <summary>A body that is not JSON, or has no well-formed <c>data</c> array.</summary>
    MalformedJson,

    /// <summary>A downlink <c>data</c> that is not one well-formed IP packet.</summary>
    NotIpPacket,

    /// <summary>A downlink frame with no bytes at all.</summary>
    EmptyFrame,

    /// <summary>A control message (tun.start ...) that could not be understood or used.</summary>
    BadControl,

    /// <summary>A downlink packet that arrived before the device existed.</summary>
    NotStarted,

    /// <summary>The bounded queue towards the device was full.</summary>
    Backlog,

    /// <summary>A frame longer than the largest one allowed (<c>--max-frame</c>, the interface's MTU, or the decoder's limit).</summary>
    Oversize,

    /// <summary>A downlink packet for an address that is not the mote's (hub routing sends a serial agent everything).</summary>
    NotForMote,

    /// <summary>Another agent's packet, seen by a router-less agent, for an address that is not this agent's; counted quietly.</summary>
    NotForThisAgent,

    /// <summary>A downlink frame that came, or still waited in the queue, while the agent was stopping.</summary>
    Stopping,

    // Device.

    /// <summary>The device took too long to read: its reader's queue was full.</summary>
    UplinkOverflow,

    /// <summary>The device refused a write, or the line stayed paused too long.</summary>
    DeviceWrite,

    /// <summary>A downlink frame that arrived while the device was absent (unplugged).</summary>
    DeviceAbsent,

    /// <summary>An HDLC frame whose FCS-16 does not check.</summary>
    BadFcs,

    /// <summary>A serial frame with an escape byte followed by a byte that may not follow it.</summary>
    BadEscape,

    /// <summary>A serial frame whose first byte says neither IPv6, IPv4, command, query nor text (PROTOCOL.md 8).</summary>
    UnknownFirstByte,

    // Bus.

    /// <summary>The broker could not take a publish (connection lost or recovering).</summary>
    BusUnavailable,

    /// <summary>The broker blocks publishers (a memory or disk alarm): dropped at once rather than queued.</summary>
    BrokerBlocked,

    /// <summary>The broker refused a published packet (a nack).</summary>
    BrokerRefused,

    /// <summary>A published packet the broker had not confirmed when the connection went: it may never have arrived.</summary>
    Unconfirmed,

    // Router.

    /// <summary>The router was told to drop it (<c>routing.lossy.link.start</c>).</summary>
    Lossy,

    /// <summary>
    /// A packet the broker delivered a second time from the shared queue: the replica it went to first lost its
    /// connection before its ack arrived and may have forwarded it already (at most once).
    /// </summary>
    Redelivered,

    /// <summary>The router knows the destination's owner but may not send there (another link, or the sender itself).</summary>
    NoRoute,

    // Capture.

    /// <summary>A packet key of neither IP nor 802.15.4 kind: no link type to file it under.</summary>
    UnknownLinkType,

    /// <summary>The capture file could not be written (disk full, removed directory).</summary>
    WriteFailed,

    /// <summary>The ioppytest sniffer's captures hold raw IP only (PROTOCOL.md 7).</summary>
    SnifferNotIp,

    /// <summary>The ioppytest sniffer keeps only packets whose <c>interface_name</c> contains <c>tun</c> or <c>serial</c>.</summary>
    SnifferNotTunOrSerial,

    /// <summary>The sniffer's in-memory capture reached its bound.</summary>
    SnifferCaptureFull,

    // OpenWSN, mesh to host (OPENWSN.md D.2).

    /// <summary>A valid HDLC frame with no content at all (<c>7E 00 00 7E</c>, OPENWSN.md A): no type byte to read.</summary>
    OpenWsnEmptyFrame,

    /// <summary>A frame shorter than its type requires (a <c>D</c> under 24 bytes, a log under 9 ...).</summary>
    OpenWsnShortFrame,

    /// <summary>A frame whose type byte is none of OPENWSN.md B.</summary>
    OpenWsnUnknownFrameType,

    /// <summary>A <c>P</c> sniffed-packet frame: not needed by a gateway (B.4).</summary>
    OpenWsnSniffedPacket,

    /// <summary>An <c>F</c> printf frame: not needed by a gateway (B.4).</summary>
    OpenWsnPrintf,

    /// <summary>A FRAG1/FRAGN whose header is cut short or whose piece lies beyond the datagram size.</summary>
    OpenWsnBadFragment,

    /// <summary>A fragmented datagram announced larger than the 1320 bytes a mote can hold (FW IPV6_PACKET_SIZE, D.4.4).</summary>
    OpenWsnDatagramTooLarge,

    /// <summary>An incomplete datagram dropped 60 s after its first fragment (D.2.1).</summary>
    OpenWsnReassemblyTimeout,

    /// <summary>An incomplete datagram pushed out because too many were pending at once.</summary>
    OpenWsnReassemblyFull,

    /// <summary>A 6LoWPAN datagram cut short, or with a dispatch or field value that is not valid.</summary>
    OpenWsnBadLowpan,

    /// <summary>A valid 6LoWPAN datagram using a feature OpenWSN never sends upstream (SAM/DAM 10, M=1, CID=1, NHC-EH ...).</summary>
    OpenWsnUnsupportedLowpan,

    /// <summary>An ICMPv6 DAO to the root whose body is cut short or carries an option other than Target or Transit (D.3).</summary>
    OpenWsnBadDao,

    // OpenWSN, host to mesh (OPENWSN.md D.4).

    /// <summary>A session packet that is not for this mesh (another agent's address, multicast, IPv4); counted quietly.</summary>
    OpenWsnNotForMesh,

    /// <summary>A packet for an address that looks like a mote's but whose mote sent no DAO yet (no source route).</summary>
    OpenWsnUnknownMote,

    /// <summary>Not one well-formed IPv6 packet (version, header, payload length).</summary>
    OpenWsnNotIpv6,

    /// <summary>A multicast destination: OV never sends multicast down (D.4.1).</summary>
    OpenWsnMulticast,

    /// <summary>A traffic class other than 0: OV's IPHC only elides it (D.4.1).</summary>
    OpenWsnTrafficClass,

    /// <summary>ICMPv6 destination unreachable (type 1), which OV does not forward to motes (D.4.1).</summary>
    OpenWsnDestinationUnreachable,

    /// <summary>No DAO-learnt source route of at least two entries to the destination (D.4.2).</summary>
    OpenWsnNoSourceRoute,

    /// <summary>A compressed datagram over 1320 bytes, which motes drop as ERR_FRAG_INVALID_SIZE (D.4.4).</summary>
    OpenWsnDatagramTooBig,

    /// <summary>A D frame whose body is outside 8..126 bytes or that overflows the mote's 199-byte input (A, C).</summary>
    OpenWsnFrameTooLong,
}
