using Agent.Core.Addressing;
using Agent.Posix;

namespace Agent.Connectors.Serial;

/// <summary>How the frames are delimited on the line.</summary>
public enum SerialFraming
{
    Slip,
    Hdlc,
}

/// <summary>What the frames carry.</summary>
public enum SerialPayload
{
    /// <summary>Whole IP packets: the mote is a peer of the session (the default).</summary>
    Ip,

    /// <summary>Raw IEEE 802.15.4 MAC frames: the original agent's probe mode.</summary>
    Ieee802154,

    /// <summary>The typed frames of an OpenWSN DAG-root mote: the agent is the mesh's border router (OPENWSN.md).</summary>
    OpenWsn,
}

/// <summary>Everything <c>agent serial</c> needs to know about its line.</summary>
public sealed record SerialOptions(
    string Port,
    int Baud,
    SerialFraming Framing = SerialFraming.Slip,
    SerialPayload Payload = SerialPayload.Ip,
    Termios.Flow Flow = Termios.Flow.None,
    bool XonXoffEscape = false,
    int? MaxFrame = null,
    bool ForwardAll = false,
    Ipv6Prefix? Prefix = null,
    Ipv6HostId? Host = null)
{
    /// <summary>The largest downlink frame: 1500 for IP, 127 (the 802.15.4 PHY limit) for 802.15.4.</summary>
    public int DownlinkLimit => MaxFrame ?? (Payload == SerialPayload.Ieee802154 ? 127 : 1500);

    public Ipv6Prefix SessionPrefix => Prefix ?? Ipv6Prefix.Default;
}
