using System.Buffers.Binary;
using System.Globalization;
using Agent.Framing.Telnet;

namespace FirmwareSim.Tcp;

/// <summary>
/// The telnet side of one client of an <c>rfc2217://</c> listener, answering as ser2net's <c>telnet(rfc2217)</c>
/// accepter does (RFC 854, 2217): it asks for BINARY, SGA and COM-PORT-OPTION, refuses other options, takes the
/// host's bytes out of the telnet stream, and answers each setting with the value in effect. The settings are
/// remembered and logged but change nothing: the mote's UART keeps pacing at --baud, as on a pseudo-terminal,
/// whose speed is only a number.
/// </summary>
public sealed class ComPortServer(Action<byte[]> send, EventLog log, int baud) : ITelnetSink
{
    private const string Signature = "firmware-sim";

    private readonly TelnetDecoder _decoder = new();
    private readonly TelnetOptions _options = new(
        [TelnetCodes.Binary, TelnetCodes.SuppressGoAhead],
        [TelnetCodes.Binary, TelnetCodes.SuppressGoAhead, TelnetCodes.ComPortOption]);
    private readonly Dictionary<ComPortCommand, byte[]> _settings = new()
    {
        [ComPortCommand.SetBaudRate] = BigEndian((uint)baud),
        [ComPortCommand.SetDataSize] = [8],
        [ComPortCommand.SetParity] = [ComPortValues.ParityNone],
        [ComPortCommand.SetStopSize] = [ComPortValues.OneStopBit],
        [ComPortCommand.SetControl] = [ComPortValues.FlowNone],
    };

    /// <summary>What the server says first, as ser2net does: its options.</summary>
    public void Start() => send(_options.Offer());

    /// <summary>Takes the telnet commands out of <paramref name="bytes"/> in place; returns how many of the host's bytes are left at its start.</summary>
    public int Receive(Span<byte> bytes) => _decoder.Decode(bytes, bytes, this);

    void ITelnetSink.OnNegotiation(byte verb, byte option)
    {
        if (_options.Answer(verb, option) is { } answer) send(answer);
    }

    // Like ser2net, it acts on settings whether or not the client said WILL COM-PORT-OPTION.
    void ITelnetSink.OnSubnegotiation(byte option, ReadOnlySpan<byte> value)
    {
        if (option != TelnetCodes.ComPortOption || value.IsEmpty) return;
        var command = (ComPortCommand)value[0];
        var argument = value[1..];
        switch (command)
        {
            case ComPortCommand.Signature:
                Answer(command, argument.IsEmpty ? System.Text.Encoding.ASCII.GetBytes(Signature) : []);
                return;
            case ComPortCommand.SetBaudRate when argument.Length == 4:
                if (BinaryPrimitives.ReadUInt32BigEndian(argument) != 0) Set(command, argument);
                break;
            case ComPortCommand.SetControl when argument.Length == 1 && argument[0] <= ComPortValues.LastOutboundFlowValue:
            case ComPortCommand.SetDataSize or ComPortCommand.SetParity or ComPortCommand.SetStopSize when argument.Length == 1:
                if (argument[0] != ComPortValues.Query) Set(command, argument);
                break;
            case ComPortCommand.PurgeData:
                Answer(command, argument);
                return;
            default:
                return; // DTR, RTS, BREAK, masks: a pseudo-terminal has none, and ser2net does not answer them either
        }
        Answer(command, _settings[command]);
    }

    private void Set(ComPortCommand command, ReadOnlySpan<byte> value)
    {
        _settings[command] = value.ToArray();
        log.Line($"rfc2217: the host set {Describe(command, value)} (the mote's UART keeps pacing at {baud} baud)");
    }

    private void Answer(ComPortCommand command, ReadOnlySpan<byte> value) =>
        send(TelnetEncoder.Subnegotiation(TelnetCodes.ComPortOption, [(byte)(ComPortValues.ServerOffset + (byte)command), .. value]));

    private static string Describe(ComPortCommand command, ReadOnlySpan<byte> value) => command switch
    {
        ComPortCommand.SetBaudRate => string.Create(CultureInfo.InvariantCulture, $"{BinaryPrimitives.ReadUInt32BigEndian(value)} baud"),
        ComPortCommand.SetDataSize => $"{value[0]} data bits",
        ComPortCommand.SetParity => $"parity {ComPortValues.ParityName(value[0])}",
        ComPortCommand.SetStopSize => $"{ComPortValues.StopBitsName(value[0])} stop bits",
        _ => $"flow {ComPortValues.FlowName(value[0])}",
    };

    private static byte[] BigEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }
}
