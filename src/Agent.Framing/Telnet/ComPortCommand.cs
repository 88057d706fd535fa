namespace Agent.Framing.Telnet;

/// <summary>
/// RFC 2217 subnegotiation commands (<c>IAC SB 44 command value IAC SE</c>), client to server; the server answers a
/// command with the command plus <see cref="ComPortValues.ServerOffset"/> and the value in effect.
/// </summary>
public enum ComPortCommand : byte
{
    Signature = 0,
    SetBaudRate = 1,
    SetDataSize = 2,
    SetParity = 3,
    SetStopSize = 4,
    SetControl = 5,
    NotifyLineState = 6,
    NotifyModemState = 7,
    FlowControlSuspend = 8,
    FlowControlResume = 9,
    SetLineStateMask = 10,
    SetModemStateMask = 11,
    PurgeData = 12,
}
