using System.Text.RegularExpressions;
using static Agent.IntegrationTests.SerialTests;

namespace Agent.IntegrationTests;

/// <summary>
/// `agent serial` through Debian's real ser2net: firmware-sim on a pseudo-terminal, ser2net sharing it over TCP in raw
/// and in telnet (RFC 2217) mode, the agent on tcp:// and rfc2217://, a TUN agent pinging the mote (issue 13).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class Ser2NetTests(BrokerFixture broker)
{
    private readonly TestPorts _ports = new();

    [Theory]
    [InlineData("tcp")]
    [InlineData("rfc2217")]
    public async Task A_tun_agent_pings_a_mote_shared_by_ser2net(string scheme)
    {
        var url = await broker.CreateSessionAsync($"ser2net-{scheme}-{Environment.ProcessId}");
        await using var ns = await Netns.CreateAsync($"agt-2{scheme}");
        var link = $"/tmp/agent-mote-ser2net-{scheme}-{Environment.ProcessId}";
        var (rawPort, telnetPort) = (_ports.Next(), _ports.Next());
        var address = $"{scheme}://127.0.0.1:{(scheme == "tcp" ? rawPort : telnetPort)}";

        await using var router = AgentProcess.Start("router", "router", "--url", url);
        await router.WaitForLineAsync("Routing");
        await using var mote = AgentProcess.StartMote("mote", "--link", link, "--framing", "hdlc", "--address", "bbbb::3");
        await mote.WaitForLineAsync(Regex.Escape(link));
        await using var ser2net = await Ser2Net.StartAsync(link, rawPort, telnetPort);
        await using var agent1 = AgentProcess.Start("agent_1", "tun", "--url", url, "--name", "agent_1", "--netns", ns.Name);
        await using var agent3 = AgentProcess.Start("agent_3", "serial", "--url", url, "--name", "agent_3", "--port", address, "--framing", "hdlc");
        await agent1.WaitForLineAsync(@"Interface tun\d+ is up");
        await agent3.WaitForLineAsync($"Connected to {Regex.Escape(address)}");
        if (scheme == "rfc2217")
            await agent3.WaitForLineAsync(
                $@"{Regex.Escape(address)}: remote port set to 115200 baud, 8 data bits, parity none, 1 stop bit, flow none \(ser2net\)");

        // Payloads of 0xFF: on rfc2217:// every one is doubled on the wire both ways (the telnet escape).
        AssertMostReplies(await PingAsync(ns, "bbbb::3", pattern: "ff"), $"ping through ser2net ({scheme})");
        Assert.DoesNotContain(agent3.Lines, l => l.Contains(" WRN "));
        var (exit3, _) = await agent3.StopAsync();
        Assert.Equal(0, exit3);
    }

    [Fact]
    public async Task A_baud_rate_asked_for_over_rfc2217_is_set_on_the_motes_pseudo_terminal_for_the_length_of_the_connection()
    {
        var url = await broker.CreateSessionAsync($"ser2net-baud-{Environment.ProcessId}");
        var link = $"/tmp/agent-mote-ser2net-baud-{Environment.ProcessId}";
        var (rawPort, telnetPort) = (_ports.Next(), _ports.Next());
        var address = $"rfc2217://127.0.0.1:{telnetPort}";
        await using var mote = AgentProcess.StartMote("mote", "--link", link, "--framing", "slip", "--address", "bbbb::3");
        await mote.WaitForLineAsync(Regex.Escape(link));
        await using var ser2net = await Ser2Net.StartAsync(link, rawPort, telnetPort);
        Assert.DoesNotContain("speed 57600 baud", await SttyAsync(link));

        await using var agent3 = AgentProcess.Start("agent_3", "serial", "--url", url, "--name", "agent_3", "--port", address, "--baud", "57600",
            "--flow", "xonxoff");
        await agent3.WaitForLineAsync($@"{Regex.Escape(address)}: remote port set to 57600 baud, 8 data bits, parity none, 1 stop bit, flow xonxoff \(ser2net\)");
        var settings = await SttyAsync(link);
        Assert.Contains("speed 57600 baud", settings);
        Assert.Contains("-cstopb", settings);  // one stop bit
        Assert.Contains("-crtscts", settings);          // no hardware flow control
        Assert.Matches(@"(?<!-)\bixon\b", settings);   // but XON/XOFF, done by the remote port

        // ser2net puts back the settings it found when the connection ends: that is why the agent sends them on every connect.
        await agent3.StopAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await SttyAsync(link)).Contains("speed 57600 baud") && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.DoesNotContain("speed 57600 baud", await SttyAsync(link));
    }

    /// <summary>The pseudo-terminal's termios as `stty -a -F` prints it (root may open it although ser2net holds it exclusively).</summary>
    private static async Task<string> SttyAsync(string device)
    {
        var result = (await Command.RunAsync("stty", "-a", "-F", device)).EnsureSuccess();
        return result.StandardOutput;
    }
}
