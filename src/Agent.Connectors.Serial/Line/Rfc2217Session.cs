using System.Text;
using Serilog;
using Agent.Framing.Telnet;

namespace Agent.Connectors.Serial.Line;

/// <summary>
/// The telnet side of one <c>rfc2217://</c> connection (RFC 854, 2217; ser2net's telnet mode): offers COM-PORT-OPTION,
/// BINARY and SGA, refuses every other option, sets the remote port once the server agrees, takes the mote's bytes out
/// of the telnet stream, and says what the server answered. Nothing ever waits for an answer: data flows from the
/// first byte, and a server that stays silent (ser2net does not answer everything) costs one warning.
/// </summary>
public sealed class Rfc2217Session : ITelnetSink, IDisposable
{
    /// <summary>How long the server has to agree to COM-PORT-OPTION and confirm the settings before we say so.</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(3);

    private readonly string _name;
    private readonly ComPortSettings _settings;
    private readonly Action<byte[]> _send;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly TelnetDecoder _decoder = new();
    private readonly TelnetOptions _options = new(
        [TelnetCodes.ComPortOption, TelnetCodes.Binary, TelnetCodes.SuppressGoAhead],
        [TelnetCodes.Binary, TelnetCodes.SuppressGoAhead]);
    private readonly Lock _lock = new();
    private readonly Dictionary<ComPortCommand, string> _answers = [];
    private readonly List<string> _differences = [];
    private ITimer? _deadline;
    private string? _signature;
    private bool _settingsSent;
    private bool _refusalSaid;
    private bool _done;

    /// <param name="send">Writes telnet bytes to the server as they are (called with no line lock held by us).</param>
    public Rfc2217Session(string name, ComPortSettings settings, Action<byte[]> send, ILogger log, TimeProvider time)
    {
        _name = name;
        _settings = settings;
        _send = send;
        _log = log;
        _time = time;
    }

    /// <summary>Says our options; the settings follow as soon as the server agrees to COM-PORT-OPTION.</summary>
    public void Start()
    {
        lock (_lock)
        {
            _send(_options.Offer());
            _deadline = _time.CreateTimer(_ => CheckAnswers(), null, AnswerTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Takes the telnet commands out of <paramref name="bytes"/> in place; returns how many data bytes are left at its start.</summary>
    public int Receive(Span<byte> bytes)
    {
        lock (_lock) return _decoder.Decode(bytes, bytes, this);
    }

    void ITelnetSink.OnNegotiation(byte verb, byte option)
    {
        if (_options.Answer(verb, option) is { } answer) _send(answer);
        if (_options.IsLocal(TelnetCodes.ComPortOption) && !_settingsSent) SendSettings();
        if (_options.IsLocalRefused(TelnetCodes.ComPortOption) && !_refusalSaid)
        {
            _refusalSaid = true;
            _log.Warning("{Line} refuses COM-PORT-OPTION (RFC 2217): the remote port keeps its own settings, not {Settings}", _name, _settings);
        }
    }

    void ITelnetSink.OnSubnegotiation(byte option, ReadOnlySpan<byte> value)
    {
        if (option != TelnetCodes.ComPortOption || value.IsEmpty || value[0] < ComPortValues.ServerOffset) return;
        var command = (ComPortCommand)(value[0] - ComPortValues.ServerOffset);
        var answer = value[1..];
        if (command == ComPortCommand.Signature)
        {
            _signature = Encoding.ASCII.GetString(answer).Trim();
            return;
        }
        // Notifications (line and modem state) and answers to anything we did not ask are of no interest.
        var asked = _settings.Commands().FirstOrDefault(c => c.Command == command).Value;
        if (asked is null || _answers.ContainsKey(command)) return;
        _answers[command] = ComPortSettings.Describe(command, answer);
        if (!answer.SequenceEqual(asked)) _differences.Add($"{_answers[command]} (asked {ComPortSettings.Describe(command, asked)})");
        if (_answers.Count == _settings.Commands().Count) SayAnswers();
    }

    /// <summary>Stops the answer timer (the connection ended).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _done = true;
            _deadline?.Dispose();
        }
    }

    private void SendSettings()
    {
        _settingsSent = true;
        _send(TelnetEncoder.Subnegotiation(TelnetCodes.ComPortOption, [(byte)ComPortCommand.Signature]));
        foreach (var (command, value) in _settings.Commands())
            _send(TelnetEncoder.Subnegotiation(TelnetCodes.ComPortOption, [(byte)command, .. value]));
    }

    private void SayAnswers()
    {
        _done = true;
        var server = _signature is { Length: > 0 } s ? $" ({s})" : "";
        if (_differences.Count == 0) _log.Information("{Line}: remote port set to {Settings}{Server}", _name, _settings, server);
        else _log.Warning("{Line}: the remote port runs at {Differences}{Server}", _name, string.Join(", ", _differences), server);
    }

    private void CheckAnswers()
    {
        lock (_lock)
        {
            if (_done || _refusalSaid) return;
            _done = true;
            if (!_settingsSent)
            {
                _log.Warning("{Line} did not agree to COM-PORT-OPTION within {Seconds} s; sending the settings anyway. " +
                    "Is it an RFC 2217 server? (ser2net: accepter telnet(rfc2217),tcp,...; a raw TCP port wants tcp://)", _name, AnswerTimeout.TotalSeconds);
                SendSettings();
                return;
            }
            var missing = _settings.Commands().Where(c => !_answers.ContainsKey(c.Command)).Select(c => ComPortSettings.Describe(c.Command, c.Value));
            _log.Warning("{Line} did not confirm {Missing} within {Seconds} s; carrying on", _name, string.Join(", ", missing), AnswerTimeout.TotalSeconds);
        }
    }
}
