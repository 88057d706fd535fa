using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Agent.Framing;

namespace Agent.IntegrationTests;

/// <summary>
/// `agent serial` against the simulated mote on a real pseudo-terminal, with a real broker, our router and a TUN agent
/// in its own namespace (issue 3's acceptance).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SerialTests(BrokerFixture broker)
{
    private static string LinkPath(string what) => $"/tmp/agent-mote-{what}-{Environment.ProcessId}";

    /// <param name="pattern">ping -p: the payload's fill bytes in hex (ff: every byte 0xFF, the telnet escape).</param>
    internal static async Task<(int Sent, int Received)> PingAsync(Netns from, string address, int count = 10, string? pattern = null)
    {
        string[] fill = pattern is null ? [] : ["-p", pattern];
        var result = await from.ExecAsync(TimeSpan.FromSeconds(90), "ping", ["-6", "-c", $"{count}", "-i", "0.3", "-W", "3", .. fill, address]);
        var match = Regex.Match(result.StandardOutput, @"(\d+) packets transmitted, (\d+) received");
        Assert.True(match.Success, result.ToString());
        return (int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value));
    }

    internal static void AssertMostReplies((int Sent, int Received) ping, string what) =>
        Assert.True(ping.Received >= ping.Sent * 8 / 10, $"{what}: {ping.Received} of {ping.Sent} replies");

    [Theory]
    [InlineData("slip")]
    [InlineData("hdlc")]
    public async Task A_tun_agent_pings_the_mote_through_the_router(string framing)
    {
        var url = await broker.CreateSessionAsync($"serial-{framing}-{Environment.ProcessId}");
        await using var ns = await Netns.CreateAsync($"agt-s{framing}");
        var link = LinkPath(framing);
        // SLIP: the mote learns its prefix with tunslip6's ?P / !P exchange; HDLC: it is given its address.
        string[] identity = framing == "slip" ? ["--mac", "14:15:92:cc:00:00:00:03"] : ["--address", "bbbb::3"];
        var moteAddress = framing == "slip" ? "bbbb::1615:92cc:0:3" : "bbbb::3";

        await using var router = AgentProcess.Start("router", "router", "--url", url);
        await router.WaitForLineAsync("Routing");
        await using var mote = AgentProcess.StartMote("mote", ["--link", link, "--framing", framing, "--payload", "ip", .. identity]);
        await mote.WaitForLineAsync(Regex.Escape(link));
        await using var agent3 = AgentProcess.Start("agent_3", "serial", "--url", url, "--name", "agent_3", "--port", link, "--framing", framing);
        await using var agent1 = AgentProcess.Start("agent_1", "tun", "--url", url, "--name", "agent_1", "--netns", ns.Name);
        await agent1.WaitForLineAsync(@"Interface tun\d+ is up");
        await agent3.WaitForLineAsync($"Opened {Regex.Escape(link)}");
        if (framing == "slip") await agent3.WaitForLineAsync("asked for its prefix; sent bbbb::/64");

        AssertMostReplies(await PingAsync(ns, moteAddress), $"ping {moteAddress} over {framing}");
        await agent3.WaitForLineAsync($"The mote's address is {Regex.Escape(moteAddress)}");
        await agent3.WaitForLineAsync(@"says: ");

        var (exit3, _) = await agent3.StopAsync();
        Assert.Equal(0, exit3);
        var totals = agent3.Totals();
        Assert.True(totals.Up >= 8 && totals.Down >= 8, agent3.Output);
    }

    [Theory]
    [InlineData("slip", "bad-escape")]
    [InlineData("hdlc", "bad-fcs")]
    public async Task A_noisy_line_costs_frames_that_are_counted_by_reason_and_nothing_else(string framing, string reason)
    {
        var url = await broker.CreateSessionAsync($"serial-noise-{framing}-{Environment.ProcessId}");
        await using var ns = await Netns.CreateAsync($"agt-n{framing}");
        var link = LinkPath($"noise-{framing}");
        await using var router = AgentProcess.Start("router", "router", "--url", url);
        await router.WaitForLineAsync("Routing");
        await using var mote = AgentProcess.StartMote("mote", "--link", link, "--framing", framing, "--address", "bbbb::3",
            "--garbage-every", "2", "--corrupt-every", "3", "--text-every", "1");
        await mote.WaitForLineAsync(Regex.Escape(link));
        await using var agent3 = AgentProcess.Start("agent_3", "serial", "--url", url, "--name", "agent_3", "--port", link, "--framing", framing);
        await using var agent1 = AgentProcess.Start("agent_1", "tun", "--url", url, "--name", "agent_1", "--netns", ns.Name);
        await agent1.WaitForLineAsync(@"Interface tun\d+ is up");
        await agent3.WaitForLineAsync($"Opened {Regex.Escape(link)}");

        var ping = await PingAsync(ns, "bbbb::3", count: 12);
        Assert.True(ping.Received >= 4, $"{ping.Received} of {ping.Sent} replies through the noise");
        var (exit, _) = await agent3.StopAsync();
        Assert.Equal(0, exit);
        Assert.False(agent3.Lines.Any(l => l.Contains("stderr:")), agent3.Output);
        var stopped = agent3.Lines.Last(l => l.Contains("Stopped agent_3"));
        Assert.Matches($@"{reason} \d+", stopped);
        Assert.True(agent3.Totals().Dropped > 0, stopped);
    }

    [Fact]
    public async Task Pings_resume_after_the_mote_is_unplugged_and_plugged_back_without_restarting_the_agent()
    {
        var url = await broker.CreateSessionAsync($"serial-replug-{Environment.ProcessId}");
        await using var ns = await Netns.CreateAsync("agt-srp");
        var link = LinkPath("replug");
        await using var router = AgentProcess.Start("router", "router", "--url", url);
        await router.WaitForLineAsync("Routing");
        await using var mote = AgentProcess.StartMote("mote", "--link", link, "--framing", "slip", "--address", "bbbb::3",
            "--unplug-after", "6", "--replug-after", "2");
        await mote.WaitForLineAsync(Regex.Escape(link));
        await using var agent3 = AgentProcess.Start("agent_3", "serial", "--url", url, "--name", "agent_3", "--port", link);
        await using var agent1 = AgentProcess.Start("agent_1", "tun", "--url", url, "--name", "agent_1", "--netns", ns.Name);
        await agent1.WaitForLineAsync(@"Interface tun\d+ is up");
        await agent3.WaitForLineAsync($"Opened {Regex.Escape(link)}");
        AssertMostReplies(await PingAsync(ns, "bbbb::3", count: 5), "before the unplug");

        await agent3.WaitForLineAsync("went away", TimeSpan.FromSeconds(20));
        await agent3.WaitForLineAsync($"Waiting for {Regex.Escape(link)}", TimeSpan.FromSeconds(10));
        var opened = await WaitForCountAsync(agent3, $"Opened {Regex.Escape(link)}", 2, TimeSpan.FromSeconds(20));
        Assert.True(opened);
        AssertMostReplies(await PingAsync(ns, "bbbb::3", count: 5), "after the replug");
        Assert.False(agent3.HasExited);
    }

    [Fact]
    public async Task The_backend_gets_the_motes_802154_echo_with_its_data_slip()
    {
        var url = await broker.CreateSessionAsync($"serial-802154-{Environment.ProcessId}");
        var link = LinkPath("802154");
        await using var backend = await BusClient.ConnectAsync(url, "fromAgent.#");
        await using var mote = AgentProcess.StartMote("mote", "--link", link, "--framing", "slip", "--payload", "802154",
            "--address", "bbbb::3", "--mac", "14:15:92:cc:00:00:00:03");
        await mote.WaitForLineAsync(Regex.Escape(link));
        await using var agent3 = AgentProcess.Start("agent_3", "serial", "--url", url, "--name", "agent_3", "--port", link, "--payload", "802154");

        var started = JsonNode.Parse(await backend.WaitForAsync("fromAgent.agent_3.802154.serial.started"))!;
        Assert.Equal(link, started["port"]!.GetValue<string>());
        Assert.Equal(115200, started["boudrate"]!.GetValue<int>());
        Assert.Equal(115200, started["baudrate"]!.GetValue<int>());

        // An 802.15.4 data frame, PAN 0xABCD, extended addresses, carrying an uncompressed IPv6 echo request (dispatch 0x41).
        var request = IcmpPackets.EchoRequestV6(System.Net.IPAddress.Parse("bbbb::1"), System.Net.IPAddress.Parse("bbbb::3"), 0x0802, 1, "802.15.4"u8);
        byte[] frame =
        [
            0x41, 0xCC, 0x07, 0xCD, 0xAB,
            0x03, 0x00, 0x00, 0x00, 0xCC, 0x92, 0x15, 0x14, // destination: the mote, little-endian
            0x01, 0x00, 0x00, 0x00, 0xCC, 0x92, 0x15, 0x14, // source
            0x41, .. request,
        ];
        await backend.PublishAsync("toAgent.agent_3.802154.serial.packet.raw", BusClient.PacketJson(frame));
        // The reply's IPv6 packet is as long as the request's and ends the frame.
        var reply = await backend.WaitForAsync("fromAgent.agent_3.802154.serial.packet.raw", body =>
            BusClient.DataOf(body) is var data && data.Length > request.Length
            && data[^(request.Length + 1)] == 0x41
            && IcmpPackets.IsEchoReplyTo(data[^request.Length..], System.Net.IPAddress.Parse("bbbb::1"), System.Net.IPAddress.Parse("bbbb::3"), 0x0802, 1));
        var body = JsonNode.Parse(reply)!;
        var data = BusClient.DataOf(reply);
        var slip = body["data_slip"]!.AsArray().Select(n => (byte)n!.GetValue<int>()).ToArray();
        var encoder = new SlipEncoder();
        var expected = new byte[encoder.MaxEncodedLength(data.Length)];
        Assert.Equal(expected[..encoder.Encode(data, expected)], slip);
        Assert.Equal("serial", body["interface_name"]!.GetValue<string>());

        var before = backend.Received.Count(r => r.Key == "fromAgent.agent_3.802154.serial.started");
        await backend.PublishAsync("toAgent.agent_3.802154.serial.start", """{"_api_version": "1.2.15"}""");
        await backend.WaitForAsync("fromAgent.agent_3.802154.serial.started", _ =>
            backend.Received.Count(r => r.Key == "fromAgent.agent_3.802154.serial.started") > before);
    }

    internal static async Task<bool> WaitForCountAsync(AgentProcess process, string pattern, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.Lines.Count(l => Regex.IsMatch(l, pattern)) >= count) return true;
            await Task.Delay(100);
        }
        return false;
    }
}
