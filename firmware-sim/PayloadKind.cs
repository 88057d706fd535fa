namespace FirmwareSim;

/// <summary>What a frame carries (--payload, PROTOCOL.md 4).</summary>
public enum PayloadKind
{
    /// <summary>Bare IPv6/IPv4 packets, tunslip6 commands and text lines, told apart by their first byte.</summary>
    Ip,

    /// <summary>IEEE 802.15.4 MAC frames without FCS, carrying uncompressed IPv6 (6LoWPAN dispatch 0x41).</summary>
    Ieee802154,

    /// <summary>OpenWSN serial frames (OPENWSN.md): a DAG-root mote with a chain of motes behind it, over HDLC with
    /// the XON/XOFF sublayer.</summary>
    OpenWsn,
}
