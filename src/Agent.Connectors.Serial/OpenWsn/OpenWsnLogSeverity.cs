namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>The severity a log frame's type letter stands for (OPENWSN.md B.3).</summary>
public enum OpenWsnLogSeverity
{
    Verbose,
    Info,
    Warning,
    Success,
    Error,

    /// <summary>The mote also reboots 10 s later (B.3).</summary>
    Critical,
}
