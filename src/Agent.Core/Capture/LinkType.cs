namespace Agent.Core.Capture;

/// <summary>The pcap link types of what travels on the bus (PROTOCOL.md 7), with their LINKTYPE_ numbers.</summary>
public enum LinkType : ushort
{
    /// <summary>LINKTYPE_RAW: a bare IPv4 or IPv6 packet, as on <c>*.ip.tun.packet.raw</c>.</summary>
    RawIp = 101,

    /// <summary>LINKTYPE_IEEE802_15_4_NOFCS: an 802.15.4 MAC frame without FCS, as on <c>*.802154.serial.packet.raw</c>.</summary>
    Ieee802154NoFcs = 230,
}
