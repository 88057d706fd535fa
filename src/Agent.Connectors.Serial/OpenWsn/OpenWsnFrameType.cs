namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>
/// The first byte of an OpenWSN serial frame (OPENWSN.md B and C). <c>D</c>, <c>S</c> and <c>C</c> mean different
/// things in each direction, hence the two sets of names.
/// </summary>
public static class OpenWsnFrameType
{
    // Mote -> PC (OPENWSN.md B).

    /// <summary><c>D</c>: a datagram bridged from the mesh (B.1), or a serial-echo reply while probing (C2).</summary>
    public const byte MoteData = (byte)'D';

    /// <summary><c>S</c>: one status element (B.2).</summary>
    public const byte MoteStatus = (byte)'S';

    public const byte LogVerbose = (byte)'V';
    public const byte LogInfo = (byte)'I';
    public const byte LogWarning = (byte)'W';
    public const byte LogSuccess = (byte)'U';
    public const byte LogError = (byte)'E';
    public const byte LogCritical = (byte)'C';

    /// <summary><c>P</c>: a sniffed 802.15.4 frame, only from the sniffer project (B.4).</summary>
    public const byte SniffedPacket = (byte)'P';

    /// <summary><c>F</c>: printf text, only with BOARD_OPENSERIAL_PRINTF (B.4).</summary>
    public const byte Printf = (byte)'F';

    // PC -> mote (OPENWSN.md C).

    /// <summary><c>D</c>: next-hop EUI-64 + 6LoWPAN datagram for the mesh.</summary>
    public const byte PcData = (byte)'D';

    /// <summary><c>R</c>: set DAG root, prefix and L2 key (exactly 26 body bytes).</summary>
    public const byte SetRoot = (byte)'R';

    /// <summary><c>S</c>: serial echo request; the mote answers with a <c>D</c> echo reply.</summary>
    public const byte SerialEcho = (byte)'S';

    /// <summary><c>Q</c>: reset the board (body ignored).</summary>
    public const byte Reset = (byte)'Q';

    /// <summary><c>C</c>: legacy command, removed from the firmware (FW-867): never send it.</summary>
    public const byte LegacyCommand = (byte)'C';

    /// <summary>Every mote -> PC frame carries the sender's 16-bit id right after the type byte (OPENWSN.md B).</summary>
    public const int MoteIdLength = 2;

    /// <summary>Type byte + mote id + 40-bit ASN: the start of a <c>D</c> frame in both of its forms (B.1).</summary>
    public const int DataPrefixLength = 1 + MoteIdLength + 5;

    /// <summary>True for the six log severities <c>V I W U E C</c> (B.3).</summary>
    public static bool IsLog(byte type) =>
        type is LogVerbose or LogInfo or LogWarning or LogSuccess or LogError or LogCritical;
}
