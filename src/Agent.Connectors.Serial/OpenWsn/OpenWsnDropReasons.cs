namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>Why an OpenWSN frame or datagram from the mesh was ignored or dropped: the names counters and logs use.</summary>
public static class OpenWsnDropReasons
{
    /// <summary>A valid HDLC frame with no content at all (<c>7E 00 00 7E</c>, OPENWSN.md A): no type byte to read.</summary>
    public const string EmptyFrame = "openwsn-empty-frame";

    /// <summary>A frame shorter than its type requires (a <c>D</c> under 24 bytes, a log under 9 ...).</summary>
    public const string ShortFrame = "openwsn-short-frame";

    /// <summary>A frame whose type byte is none of OPENWSN.md B.</summary>
    public const string UnknownFrameType = "openwsn-unknown-frame-type";

    /// <summary>A <c>P</c> sniffed-packet frame: not needed by a gateway (B.4).</summary>
    public const string SniffedPacket = "openwsn-sniffed-packet";

    /// <summary>An <c>F</c> printf frame: not needed by a gateway (B.4).</summary>
    public const string Printf = "openwsn-printf";

    /// <summary>A FRAG1/FRAGN whose header is cut short or whose piece lies beyond the datagram size.</summary>
    public const string BadFragment = "openwsn-bad-fragment";

    /// <summary>A fragmented datagram announced larger than the 1320 bytes a mote can hold (FW IPV6_PACKET_SIZE, D.4.4).</summary>
    public const string DatagramTooLarge = "openwsn-datagram-too-large";

    /// <summary>An incomplete datagram dropped 60 s after its first fragment (D.2.1).</summary>
    public const string ReassemblyTimeout = "openwsn-reassembly-timeout";

    /// <summary>An incomplete datagram pushed out because too many were pending at once.</summary>
    public const string ReassemblyFull = "openwsn-reassembly-full";

    /// <summary>A 6LoWPAN datagram cut short, or with a dispatch or field value that is not valid.</summary>
    public const string BadLowpan = "openwsn-bad-lowpan";

    /// <summary>A valid 6LoWPAN datagram using a feature OpenWSN never sends upstream (SAM/DAM 10, M=1, CID=1, NHC-EH, RH3 ...).</summary>
    public const string UnsupportedLowpan = "openwsn-unsupported-lowpan";

    /// <summary>An ICMPv6 DAO to the root whose body is cut short or carries an option other than Target or Transit (D.3).</summary>
    public const string BadDao = "openwsn-bad-dao";

    /// <summary>A session packet that is not for this mesh (another agent's address, multicast, IPv4); counted quietly.</summary>
    public const string NotForMesh = "openwsn-not-for-mesh";

    /// <summary>A packet for an address that looks like a mote's but whose mote sent no DAO yet (no source route).</summary>
    public const string UnknownMote = "openwsn-unknown-mote";
}
