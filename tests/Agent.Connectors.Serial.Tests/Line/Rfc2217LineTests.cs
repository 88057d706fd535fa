using Agent.Connectors.Serial.Line;
using Agent.Posix;
using Agent.Testing;
using static Agent.Connectors.Serial.Tests.Line.RunningLine;

namespace Agent.Connectors.Serial.Tests.Line;

/// <summary>An <c>rfc2217://</c> line against a TCP peer that plays ser2net 4.3.11's part, byte for byte as recorded (FINDINGS.md 3).</summary>
public sealed class Rfc2217LineTests
{
    private const string Offer = "fffb2c" + "fffb00" + "fffb03" + "fffd00" + "fffd03";

    /// <summary>What ser2net sends unprompted: WILL SGA, DO SGA, WILL ECHO, DONT ECHO, DO BINARY, WILL BINARY, DO COM-PORT-OPTION.</summary>
    private static readonly byte[] Ser2NetOpening = Convert.FromHexString("fffb03fffd03fffb01fffe01fffd00fffb00fffd2c");

    /// <summary>DONT ECHO (the answer to WILL ECHO), then SIGNATURE and the five settings of 115200 8N1 with no flow control.</summary>
    private const string Settings = "fffe01" + "fffa2c00fff0" + "fffa2c010001c200fff0" + "fffa2c0208fff0" + "fffa2c0301fff0" + "fffa2c0401fff0" + "fffa2c0501fff0";

    private readonly Serilog.ILogger _log;
    private readonly CollectingSink _sink;

    public Rfc2217LineTests() => (_log, _sink) = CollectingSink.Logger();

    private TcpLine Line(TcpPeer peer, int baud = 115200, Termios.Flow flow = Termios.Flow.None)
    {
        Assert.True(LineAddress.TryParse($"rfc2217://127.0.0.1:{peer.Port}", out var address, out var error), error);
        return new TcpLine(address, new ComPortSettings(baud, flow), holdOnXoff: flow == Termios.Flow.XonXoff, _log, TimeProvider.System);
    }

    private Task WaitForLogAsync(string text) => WaitUntilAsync(() => _sink.Lines.Any(l => l.Contains(text)),
        $"no log line with '{text}':\n{string.Join('\n', _sink.Lines)}");

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    [Fact]
    public async Task Offers_its_options_sets_the_port_once_the_server_agrees_and_says_what_the_server_answered()
    {
        await using var peer = new TcpPeer();
        await using var line = new RunningLine(Line(peer));
        await peer.AcceptAsync();
        Assert.Equal(Offer, Hex(await peer.ReceiveAsync(Offer.Length / 2)));

        await peer.SendAsync(Ser2NetOpening);
        Assert.Equal(Offer + Settings, Hex(await peer.ReceiveAsync((Offer + Settings).Length / 2)));
        await peer.SendAsync(Convert.FromHexString(
            "fffa2c6b00fff0" + "fffa2c64" + Convert.ToHexStringLower("ser2net"u8) + "fff0" +
            "fffa2c650001c200fff0" + "fffa2c6608fff0" + "fffa2c6701fff0" + "fffa2c6801fff0" + "fffa2c6901fff0"));
        await WaitForLogAsync($"rfc2217://127.0.0.1:{peer.Port}: remote port set to 115200 baud, 8 data bits, parity none, 1 stop bit, flow none (ser2net)");
        await Task.Delay(200);
        Assert.Equal(Offer + Settings, Hex(peer.Received)); // nothing answered twice
        Assert.Empty(line.Received);
    }

    [Fact]
    public async Task The_motes_bytes_are_iac_escaped_both_ways_and_flow_before_any_negotiation()
    {
        await using var peer = new TcpPeer();
        await using var line = new RunningLine(Line(peer));
        await peer.AcceptAsync();
        await peer.SendAsync(Convert.FromHexString("41ffff42" + "fffd00" + "0d00" + "ff"));
        await peer.SendAsync(Convert.FromHexString("ff43"));
        await WaitUntilAsync(() => line.Received.Length == 7, "the mote's bytes did not all arrive");
        Assert.Equal("41ff420d00ff43", Hex(line.Received));

        Assert.Null(line.Line.Write(Convert.FromHexString("7eff7e")));
        var received = await peer.ReceiveAsync(Offer.Length / 2 + 4);
        Assert.EndsWith("7effff7e", Hex(received));
    }

    [Fact]
    public async Task A_server_that_never_answers_costs_one_warning_gets_the_settings_anyway_and_data_still_flows()
    {
        await using var peer = new TcpPeer();
        await using var line = new RunningLine(Line(peer, baud: 57600, flow: Termios.Flow.XonXoff));
        await peer.AcceptAsync();
        await peer.SendAsync([0x7E, 0x53, 0x7E]);
        await WaitUntilAsync(() => line.Received.Length == 3, "the mote's bytes did not arrive");
        // Written once the line has read from the socket: the server's accept alone does not say the line knows it is connected.
        Assert.Null(line.Line.Write([0x7E, 0x7E]));

        await WaitForLogAsync("did not agree to COM-PORT-OPTION within 3 s; sending the settings anyway");
        var received = Hex(await peer.ReceiveAsync(Offer.Length / 2 + 2 + 44));
        Assert.Contains("fffa2c010000e100fff0", received);  // 57600
        Assert.Contains("fffa2c0502fff0", received);        // XON/XOFF
        Assert.Single(_sink.Events, e => e.Level == Serilog.Events.LogEventLevel.Warning);
    }

    [Fact]
    public async Task A_refusal_of_com_port_option_is_said_once()
    {
        await using var peer = new TcpPeer();
        await using var line = new RunningLine(Line(peer));
        await peer.AcceptAsync();
        await peer.SendAsync(Convert.FromHexString("fffe2c" + "fffe2c"));
        await WaitForLogAsync("refuses COM-PORT-OPTION (RFC 2217): the remote port keeps its own settings, not 115200 baud");
        await Task.Delay(Rfc2217Session.AnswerTimeout + TimeSpan.FromMilliseconds(500));
        Assert.Single(_sink.Events, e => e.Level == Serilog.Events.LogEventLevel.Warning);
        Assert.Equal(Offer, Hex(await peer.ReceiveAsync(Offer.Length / 2)));
    }

    [Fact]
    public async Task A_setting_the_remote_port_did_not_take_is_a_warning_that_names_both_values()
    {
        await using var peer = new TcpPeer();
        await using var line = new RunningLine(Line(peer, baud: 921600, flow: Termios.Flow.RtsCts));
        await peer.AcceptAsync();
        await peer.SendAsync(Convert.FromHexString("fffd2c"));
        await peer.ReceiveAsync(Offer.Length / 2 + 44);
        Assert.Contains("fffa2c0503fff0", Hex(peer.Received));
        await peer.SendAsync(Convert.FromHexString(
            "fffa2c650001c200fff0" + "fffa2c6608fff0" + "fffa2c6701fff0" + "fffa2c6801fff0" + "fffa2c6903fff0"));
        await WaitForLogAsync("the remote port runs at 115200 baud (asked 921600 baud)");
    }

    [Fact]
    public async Task After_a_reconnect_the_port_is_set_again()
    {
        await using var peer = new TcpPeer();
        await using var line = new RunningLine(Line(peer));
        await peer.AcceptAsync();
        await peer.SendAsync(Ser2NetOpening);
        await peer.ReceiveAsync((Offer + Settings).Length / 2);
        await peer.HangUpAsync();
        await peer.AcceptAsync();
        Assert.Equal(Offer, Hex(await peer.ReceiveAsync(Offer.Length / 2)));
        await peer.SendAsync(Ser2NetOpening);
        Assert.Equal(Offer + Settings, Hex(await peer.ReceiveAsync((Offer + Settings).Length / 2)));
    }
}
