using System.Buffers.Binary;
using System.Globalization;
using Agent.Framing.Telnet;
using Agent.Posix;

namespace Agent.Connectors.Serial.Line;

/// <summary>
/// What an <c>rfc2217://</c> line sets on the remote serial port after every connect (ser2net forgets the settings
/// when a connection ends): the baud rate, 8 data bits, no parity, 1 stop bit (what a device line sets too) and the
/// flow control of the remote port's output.
/// </summary>
public sealed record ComPortSettings(int Baud, Termios.Flow Flow)
{
    public const byte DataBits = 8;

    /// <summary>The SET-CONTROL value for <see cref="Flow"/>.</summary>
    public byte FlowValue => Flow switch
    {
        Termios.Flow.XonXoff => ComPortValues.FlowXonXoff,
        Termios.Flow.RtsCts => ComPortValues.FlowHardware,
        _ => ComPortValues.FlowNone,
    };

    /// <summary>Each command to send with the value it sets, in the order they go out.</summary>
    public IReadOnlyList<(ComPortCommand Command, byte[] Value)> Commands()
    {
        var baud = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(baud, (uint)Baud);
        return
        [
            (ComPortCommand.SetBaudRate, baud),
            (ComPortCommand.SetDataSize, [DataBits]),
            (ComPortCommand.SetParity, [ComPortValues.ParityNone]),
            (ComPortCommand.SetStopSize, [ComPortValues.OneStopBit]),
            (ComPortCommand.SetControl, [FlowValue]),
        ];
    }

    /// <summary>What logs call a setting: <c>57600 baud</c>, <c>8 data bits</c>, <c>flow xonxoff</c> ...</summary>
    public static string Describe(ComPortCommand command, ReadOnlySpan<byte> value) => command switch
    {
        ComPortCommand.SetBaudRate when value.Length == 4 =>
            string.Create(CultureInfo.InvariantCulture, $"{BinaryPrimitives.ReadUInt32BigEndian(value)} baud"),
        ComPortCommand.SetDataSize when value.Length == 1 => $"{value[0]} data bits",
        ComPortCommand.SetParity when value.Length == 1 => $"parity {ComPortValues.ParityName(value[0])}",
        ComPortCommand.SetStopSize when value.Length == 1 => $"{ComPortValues.StopBitsName(value[0])} stop bit{(value[0] == ComPortValues.OneStopBit ? "" : "s")}",
        ComPortCommand.SetControl when value.Length == 1 => $"flow {ComPortValues.FlowName(value[0])}",
        _ => $"{command} {Convert.ToHexStringLower(value)}",
    };

    public override string ToString() => string.Join(", ", Commands().Select(c => Describe(c.Command, c.Value)));
}
