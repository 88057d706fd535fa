namespace Agent.Framing.Telnet;

/// <summary>
/// The telnet bytes (RFC 854, 855) and options that RFC 2217 servers such as ser2net use. A data byte 0xFF is sent
/// twice (IAC IAC), in data and inside subnegotiations alike.
/// </summary>
public static class TelnetCodes
{
    public const byte Iac = 0xFF;
    public const byte Dont = 0xFE;
    public const byte Do = 0xFD;
    public const byte Wont = 0xFC;
    public const byte Will = 0xFB;
    public const byte Sb = 0xFA;
    public const byte Se = 0xF0;

    /// <summary>RFC 856: 8-bit data without NVT translation.</summary>
    public const byte Binary = 0;

    /// <summary>RFC 857.</summary>
    public const byte Echo = 1;

    /// <summary>RFC 858: no go-ahead signals (a full-duplex stream).</summary>
    public const byte SuppressGoAhead = 3;

    /// <summary>RFC 2217: serial port settings and line state.</summary>
    public const byte ComPortOption = 44;

    /// <summary>What logs call a verb: <c>WILL</c>, <c>DONT</c> ...</summary>
    public static string VerbName(byte verb) => verb switch
    {
        Will => "WILL",
        Wont => "WONT",
        Do => "DO",
        Dont => "DONT",
        _ => $"0x{verb:x2}",
    };
}
