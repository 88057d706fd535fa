namespace FirmwareSim;

/// <summary>How frames are delimited on the line (--framing, PROTOCOL.md 8).</summary>
public enum FramingKind
{
    Slip,
    Hdlc,
}
