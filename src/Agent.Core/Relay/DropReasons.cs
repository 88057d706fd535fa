namespace Agent.Core.Relay;

/// <summary>Why a frame or message was dropped: the names the counters and logs use.</summary>
public static class DropReasons
{
    /// <summary>A downlink body that is not JSON, or has no well-formed <c>data</c> array.</summary>
    public const string MalformedJson = "malformed-json";

    /// <summary>A downlink <c>data</c> that is not one well-formed IP packet.</summary>
    public const string NotIpPacket = "not-ip-packet";

    /// <summary>A control message (tun.start ...) that could not be understood.</summary>
    public const string BadControl = "bad-control";

    /// <summary>A downlink packet that arrived before the interface existed.</summary>
    public const string NotStarted = "not-started";

    /// <summary>The bounded queue towards the device was full.</summary>
    public const string Backlog = "backlog";

    /// <summary>The device took too long to read: its reader's queue was full.</summary>
    public const string UplinkOverflow = "uplink-overflow";

    /// <summary>The broker could not take an uplink publish (connection lost or recovering).</summary>
    public const string BusUnavailable = "bus-unavailable";

    /// <summary>The device refused a write.</summary>
    public const string DeviceWrite = "device-write";

    /// <summary>The router was told to drop it (<c>routing.lossy.link.start</c>).</summary>
    public const string Lossy = "lossy";

    /// <summary>The router knows the destination's owner but may not send there (another link, or the sender itself).</summary>
    public const string NoRoute = "no-route";

    /// <summary>An HDLC frame whose FCS-16 does not check.</summary>
    public const string BadFcs = "bad-fcs";

    /// <summary>A serial frame with an escape byte followed by a byte that may not follow it.</summary>
    public const string BadEscape = "bad-escape";

    /// <summary>A frame longer than the largest one allowed (<c>--max-frame</c>, or the decoder's limit).</summary>
    public const string Oversize = "oversize";

    /// <summary>A serial frame whose first byte says neither IPv6, IPv4, command, query nor text (PROTOCOL.md 8).</summary>
    public const string UnknownFirstByte = "unknown-first-byte";

    /// <summary>A downlink packet for an address that is not the mote's (hub routing sends a serial agent everything).</summary>
    public const string NotForMote = "not-for-mote";

    /// <summary>A downlink frame that arrived while the serial device was absent (unplugged).</summary>
    public const string DeviceAbsent = "device-absent";
}
