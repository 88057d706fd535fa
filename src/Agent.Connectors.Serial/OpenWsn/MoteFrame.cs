using Agent.Core.Addressing;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>One raw mote -> PC frame (after HDLC), as <see cref="MoteFrameParser"/> classifies it (OPENWSN.md B).</summary>
public abstract record MoteFrame
{
    private MoteFrame()
    {
    }

    /// <summary>A <c>D</c> frame: a 6LoWPAN datagram the DAG root bridged from the mesh (B.1).</summary>
    /// <param name="MoteId">The root's 16-bit id (EUI-64 bytes 6..7).</param>
    /// <param name="Asn">The 40-bit absolute slot number.</param>
    /// <param name="Root">The DAG root's own EUI-64 (OV calls it "dest").</param>
    /// <param name="PreviousHop">The root's child that transmitted the frame (OV calls it "source").</param>
    /// <param name="Lowpan">The 6LoWPAN datagram or fragment, exactly as received over the radio.</param>
    public sealed record Data(ushort MoteId, ulong Asn, Eui64 Root, Eui64 PreviousHop, ReadOnlyMemory<byte> Lowpan) : MoteFrame;

    /// <summary>A <c>D</c> frame read as a serial-echo reply: no address fields, the echoed bytes from offset 8 (B.1, C2).</summary>
    public sealed record EchoReply(ushort MoteId, ulong Asn, ReadOnlyMemory<byte> Echoed) : MoteFrame;

    /// <summary>The IdManager status element (B.2, id 1): the one a gateway needs, to learn the EUI-64 and whether the mote is root.</summary>
    public sealed record IdManager(ushort MoteId, bool IsDagRoot, ushort PanId, ushort ShortId, Eui64 Eui64, Ipv6Prefix Prefix) : MoteFrame;

    /// <summary>Any other status element: recognised (it proves an OpenWSN mote is talking), its content ignored.</summary>
    public sealed record Status(ushort MoteId, OpenWsnStatusElement Element) : MoteFrame;

    /// <summary>A log frame <c>V I W U E C</c> (B.3); the text for Component/Code lives in FW inc/opendefs.h.</summary>
    public sealed record Log(ushort MoteId, OpenWsnLogSeverity Severity, byte Component, byte Code, ushort Arg1, ushort Arg2) : MoteFrame;

    /// <summary>A frame a gateway counts and ignores: <c>P</c>, <c>F</c>, an unknown type, an empty or too short frame.</summary>
    /// <param name="Type">The type byte, or null for a 0-byte frame.</param>
    /// <param name="Reason">Why it is ignored, for the counters.</param>
    public sealed record Ignored(byte? Type, DropReason Reason) : MoteFrame;
}
