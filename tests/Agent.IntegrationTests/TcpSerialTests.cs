using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static Agent.IntegrationTests.SerialTests;

namespace Agent.IntegrationTests;

/// <summary>
/// `agent serial --port tcp://` against firmware-sim serving its mote over TCP (--listen), as FIT IoT-LAB and Cooja
/// serve a mote's UART, with a real broker, our router and a TUN agent in its own namespace (issue 13).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class TcpSerialTests(BrokerFixture broker)
{
    private readonly TestPorts _ports = new();

    [Theory]
    [InlineData("slip")]
    [InlineData("hdlc")]
    public async Task A_tun_agent_pings_a_mote_reached_over_tcp(string framing)
    {
        var url = await broker.CreateSessionAsync($"tcp-{framing}-{Environment.ProcessId}");
        await using var ns = await Netns.CreateAsync($"agt-t{framing}");
        var address = $"tcp://127.0.0.1:{_ports.Next()}";
        // SLIP: the mote learns its prefix with tunslip6's ?P / !P exchange; HDLC: it is given its address.
        string[] identity = framing == "slip" ? ["--mac", "14:15:92:cc:00:00:00:03"] : ["--address", "bbbb::3"];
        var moteAddress = framing == "slip" ? "bbbb::1615:92cc:0:3" : "bbbb::3";

        await using var router = AgentProcess.Start("router", "router", "--url", url);
        await router.WaitForLineAsync("Routing");
        await using var mote = AgentProcess.StartMote("mote", ["--listen", address, "--framing", framing, "--text-every", "1", .. identity]);
        await mote.WaitForLineAsync($"mote on {Regex.Escape(address)}");
        await using var agent3 = AgentProcess.Start("agent_3", "serial", "--url", url, "--name", "agent_3", "--port", address, "--framing", framing);
        await using var agent1 = AgentProcess.Start("agent_1", "tun", "--url", url, "--name", "agent_1", "--netns", ns.Name);
        await agent1.WaitForLineAsync(@"Interface tun\d+ is up");
        await agent3.WaitForLineAsync($"Connected to {Regex.Escape(address)}");
        if (framing == "slip") await agent3.WaitForLineAsync("asked for its prefix; sent bbbb::/64");

        AssertMostReplies(await PingAsync(ns, moteAddress), $"ping {moteAddress} over tcp:// ({framing})");
        await agent3.WaitForLineAsync($"{Regex.Escape(address)} says: ");

        var (exit3, _) = await agent3.StopAsync();
        Assert.Equal(0, exit3);
        var totals = agent3.Totals();
        Assert.True(totals.Up >= 8 && totals.Down >= 8, agent3.Output);
    }

    [Fact]
    public async Task The_backend_gets_the_802154_echo_of_a_mote_reached_over_tcp()
    {
        var url = await broker.CreateSessionAsync($"tcp-802154-{Environment.ProcessId}");
        var address = $"tcp://127.0.0.1:{_ports.Next()}";
        await using var backend = await BusClient.ConnectAsync(url, "fromAgent.#");
        await using var mote = AgentProcess.StartMote("mote", "--listen", address, "--framing", "slip", "--payload", "802154",
            "--address", "bbbb::3", "--mac", "14:15:92:cc:00:00:00:03");
        await mote.WaitForLineAsync($"mote on {Regex.Escape(address)}");
        await using var agent3 = AgentProcess.Start("agent_3", "serial", "--url", url, "--name", "agent_3", "--port", address, "--payload", "802154");

        var started = JsonNode.Parse(await backend.WaitForAsync("fromAgent.agent_3.802154.serial.started"))!;
        Assert.Equal(address, started["port"]!.GetValue<string>());
        var request = IcmpPackets.EchoRequestV6(System.Net.IPAddress.Parse("bbbb::1"), System.Net.IPAddress.Parse("bbbb::3"), 0x0803, 1, "over tcp"u8);
        byte[] frame =
        [
            0x41, 0xCC, 0x07, 0xCD, 0xAB,
            0x03, 0x00, 0x00, 0x00, 0xCC, 0x92, 0x15, 0x14,
            0x01, 0x00, 0x00, 0x00, 0xCC, 0x92, 0x15, 0x14,
            0x41, .. request,
        ];
        await backend.PublishAsync("toAgent.agent_3.802154.serial.packet.raw", BusClient.PacketJson(frame));
        await backend.WaitForAsync("fromAgent.agent_3.802154.serial.packet.raw", body =>
            BusClient.DataOf(body) is var data && data.Length > request.Length
            && IcmpPackets.IsEchoReplyTo(data[^request.Length..], System.Net.IPAddress.Parse("bbbb::1"), System.Net.IPAddress.Parse("bbbb::3"), 0x0803, 1));
    }

    [Fact]
    public async Task When_the_mote_hangs_up_twice_in_a_row_pings_resume_each_time_and_nothing_else_notices()
    {
        var url = await broker.CreateSessionAsync($"tcp-drop-{Environment.ProcessId}");
        await using var ns = await Netns.CreateAsync("agt-tdrop");
        var address = $"tcp://127.0.0.1:{_ports.Next()}";
        await using var router = AgentProcess.Start("router", "router", "--url", url);
        await router.WaitForLineAsync("Routing");
        await using var agent1 = AgentProcess.Start("agent_1", "tun", "--url", url, "--name", "agent_1", "--netns", ns.Name);
        await agent1.WaitForLineAsync(@"Interface tun\d+ is up");
        await using var mote = AgentProcess.StartMote("mote", "--listen", address, "--framing", "slip", "--address", "bbbb::3",
            "--drop-after", "10");
        await mote.WaitForLineAsync($"mote on {Regex.Escape(address)}");
        await using var agent3 = AgentProcess.Start("agent_3", "serial", "--url", url, "--name", "agent_3", "--port", address);

        var connected = $"Connected to {Regex.Escape(address)}";
        var hungUp = $"{Regex.Escape(address)} closed the connection; keeping the session and connecting again";
        for (var round = 1; round <= 3; round++)
        {
            Assert.True(await WaitForCountAsync(agent3, connected, round, TimeSpan.FromSeconds(30)), $"connection {round}:\n{agent3.Output}");
            AssertMostReplies(await PingAsync(ns, "bbbb::3", count: 5), $"connection {round}");
            if (round < 3) Assert.True(await WaitForCountAsync(agent3, hungUp, round, TimeSpan.FromSeconds(30)), $"hang-up {round}:\n{agent3.Output}");
        }
        Assert.Equal(2, mote.Lines.Count(l => l.Contains("(--drop-after)")));

        var (exit3, _) = await agent3.StopAsync();
        Assert.Equal(0, exit3);
        // The broker session never noticed: no reconnect to the broker, and no warning anywhere but agent_3's about its
        // line (the hang-ups, and a frame that came for the mote while it was away).
        Assert.DoesNotContain(agent3.Lines, l => l.Contains(" WRN ") && !l.Contains(address));
        Assert.All(agent3.Lines.Where(l => l.Contains("Stats agent_3:")), l => Assert.Contains("reconnects 0", l));
        Assert.DoesNotContain(agent3.Lines, l => l.Contains(" ERR "));
        Assert.DoesNotContain(agent1.Lines, l => l.Contains(" WRN ") || l.Contains(" ERR "));
        Assert.DoesNotContain(router.Lines, l => l.Contains(" WRN ") || l.Contains(" ERR "));
        Assert.False(agent1.HasExited || router.HasExited);
    }
}
