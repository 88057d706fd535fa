namespace Agent.Framing.Telnet;

/// <summary>The RFC 2217 values that both ends of this project use.</summary>
public static class ComPortValues
{
    /// <summary>Added to a command in the server's answers and notifications (SET-BAUDRATE 1 is answered as 101).</summary>
    public const byte ServerOffset = 100;

    /// <summary>Value 0 asks for the setting in effect (SET-BAUDRATE, -DATASIZE, -PARITY, -STOPSIZE, SET-CONTROL).</summary>
    public const byte Query = 0;

    public const byte ParityNone = 1;
    public const byte ParityOdd = 2;
    public const byte ParityEven = 3;
    public const byte ParityMark = 4;
    public const byte ParitySpace = 5;

    public const byte OneStopBit = 1;
    public const byte TwoStopBits = 2;
    public const byte OneAndAHalfStopBits = 3;

    /// <summary>SET-CONTROL values for outbound flow control.</summary>
    public const byte FlowNone = 1;
    public const byte FlowXonXoff = 2;
    public const byte FlowHardware = 3;

    /// <summary>The highest SET-CONTROL value that sets or asks for outbound flow control.</summary>
    public const byte LastOutboundFlowValue = FlowHardware;

    /// <summary>What logs call a parity value.</summary>
    public static string ParityName(byte value) => value switch
    {
        ParityNone => "none",
        ParityOdd => "odd",
        ParityEven => "even",
        ParityMark => "mark",
        ParitySpace => "space",
        _ => $"parity {value}",
    };

    /// <summary>What logs call a stop-size value.</summary>
    public static string StopBitsName(byte value) => value switch
    {
        OneStopBit => "1",
        TwoStopBits => "2",
        OneAndAHalfStopBits => "1.5",
        _ => $"stop size {value}",
    };

    /// <summary>What logs call an outbound flow-control value.</summary>
    public static string FlowName(byte value) => value switch
    {
        FlowNone => "none",
        FlowXonXoff => "xonxoff",
        FlowHardware => "rtscts",
        _ => $"control {value}",
    };
}
