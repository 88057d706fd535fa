namespace FirmwareSim.OpenWsn;

/// <summary>The first byte of an OpenWSN serial frame (FW openserial.h SERFRAME_*, OPENWSN.md B and C).</summary>
public static class FrameType
{
    /// <summary>Mote -> PC: data bridged from the mesh, or the serial echo reply. PC -> mote: data for the mesh.</summary>
    public const byte Data = (byte)'D';

    /// <summary>Mote -> PC: one status element. PC -> mote: serial echo request.</summary>
    public const byte Status = (byte)'S';

    /// <summary>PC -> mote: set DAG root, prefix and L2 key.</summary>
    public const byte SetRoot = (byte)'R';

    /// <summary>PC -> mote: reset the board.</summary>
    public const byte Reset = (byte)'Q';
}
