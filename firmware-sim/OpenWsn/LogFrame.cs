namespace FirmwareSim.OpenWsn;

/// <summary>
/// Log frames (FW openserial.c internal_openserial_print, OPENWSN.md B.3): severity, the mote's 16-bit id,
/// component, error code, and two big-endian arguments; 9 bytes. Ids and codes are those of FW inc/opendefs.h.
/// </summary>
public static class LogFrame
{
    public const byte Error = (byte)'E';
    public const byte Success = (byte)'U';

    public const byte ComponentOpenWsn = 0x01;
    public const byte ComponentIdManager = 0x02;
    public const byte ComponentOpenSerial = 0x04;
    public const byte ComponentOpenBridge = 0x11;

    /// <summary>ERR_WRONG_CRC_INPUT: an input frame whose FCS failed.</summary>
    public const byte WrongCrcInput = 0x42;

    /// <summary>ERR_BUFFER_OVERFLOW: an input frame did not fit the 200-byte input buffer.</summary>
    public const byte BufferOverflow = 0x43;

    /// <summary>ERR_INPUTBUFFER_LENGTH: "input length problem, length={0}".</summary>
    public const byte InputLength = 0x4E;

    /// <summary>ERR_BOOTED, logged as a success once the stack is up.</summary>
    public const byte Booted = 0x4F;

    /// <summary>ERR_BRIDGE_MISMATCH: here, data from the host while the mote is not DAG root.</summary>
    public const byte BridgeMismatch = 0x1F;

    public static byte[] Build(byte severity, ReadOnlySpan<byte> moteId, byte component, byte code, ushort arg1 = 0, ushort arg2 = 0) =>
        [severity, moteId[0], moteId[1], component, code, (byte)(arg1 >> 8), (byte)arg1, (byte)(arg2 >> 8), (byte)arg2];
}
