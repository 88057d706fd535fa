namespace Agent.Connectors.Serial.Line;

/// <summary>How the mote's bytes reach us.</summary>
public enum LineTransport
{
    /// <summary>A serial device: /dev/ttyUSB0, a pseudo-terminal, a link to either.</summary>
    Device,

    /// <summary>A raw TCP stream: FIT IoT-LAB's port 20000, Cooja's serial socket, ser2net in raw mode.</summary>
    Tcp,

    /// <summary>Telnet with RFC 2217 COM-PORT-OPTION: ser2net's telnet mode, which also sets the remote port.</summary>
    Rfc2217,
}
