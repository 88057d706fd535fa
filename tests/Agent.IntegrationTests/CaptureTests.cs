using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Agent.IntegrationTests;

/// <summary>
/// <c>agent capture</c> end to end: the real executable on a real broker, a plain client publishing as the agents of a
/// session, and the files read back with tshark (Wireshark's reader, not ours).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class CaptureTests(BrokerFixture broker) : IDisposable
{
    /// <summary>PROTOCOL.md 4's 802.15.4 data frame carrying an uncompressed IPv6 RPL DIS.</summary>
    private static readonly byte[] Frame802154 =
    [
        65, 216, 206, 205, 171, 255, 255, 156, 237, 51, 4, 0, 75, 18, 0, 65, 96, 0, 0, 0, 0, 6, 58, 64, 254, 128, 0, 0, 0, 0, 0, 0, 2, 18, 75,
        0, 4, 51, 237, 156, 255, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 26, 155, 0, 40, 63, 0, 0,
    ];

    private static readonly IPAddress Agent1 = IPAddress.Parse("bbbb::1");
    private static readonly IPAddress Agent2 = IPAddress.Parse("bbbb::2");

    /// <summary>The capture time of the session's first packet, in the body's <c>timestamp</c>.</summary>
    /// <summary>
    /// Now, never a whole second: a capture uses a body's timestamp only when it has a fraction and lies within a
    /// second of the receive time (issue 9).
    /// </summary>
    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 + 0.0005;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("agent-capture-");

    public void Dispose() => _directory.Delete(recursive: true);

    private static string Body(byte[] data, string interfaceName, double timestamp) =>
        $$"""{"_api_version": "1.2.15", "data": [{{string.Join(", ", data)}}], "interface_name": "{{interfaceName}}", "timestamp": {{timestamp.ToString("R", CultureInfo.InvariantCulture)}}}""";

    /// <summary>
    /// A short session as agents publish it: 3 pings from agent_1 (ICMPv6 echo requests), 3 replies and an IPv4 ping
    /// from agent_2, one 802.15.4 frame from agent_3, and messages that are not packets. 8 packets, 7 of them IP.
    /// </summary>
    /// <summary>Publishes the session's packets a millisecond apart; returns the first one's timestamp.</summary>
    private static async Task<double> PublishSessionAsync(BusClient agents)
    {
        var first = Now();
        var t = first - 0.001;
        for (ushort seq = 1; seq <= 3; seq++)
        {
            await agents.PublishAsync("fromAgent.agent_1.ip.tun.packet.raw",
                Body(IcmpPackets.EchoRequestV6(Agent1, Agent2, 0x77, seq, "capture me"u8), "tun0", t += 0.001));
            await agents.PublishAsync("fromAgent.agent_2.ip.tun.packet.raw",
                Body(IcmpPackets.EchoReplyV6(Agent2, Agent1, 0x77, seq, "capture me"u8), "tun1", t += 0.001));
        }
        await agents.PublishAsync("fromAgent.agent_2.ip.tun.packet.raw",
            Body(IcmpPackets.EchoRequestV4(IPAddress.Parse("10.2.0.2"), IPAddress.Parse("10.2.0.1"), 9, 1, "v4"u8), "tun1", t += 0.001));
        await agents.PublishAsync("fromAgent.agent_3.802154.serial.packet.raw", Body(Frame802154, "serial", t += 0.001));
        // Not packets: none of these may land in a capture.
        await agents.PublishAsync("fromAgent.agent_1.stats", """{"_api_version": "1.2.15", "name": "agent_1", "kind": "tun"}""");
        await agents.PublishAsync("fromAgent.agent_1.ip.tun.started", """{"_api_version": "1.2.15", "name": "agent_1", "ipv6_prefix": "bbbb", "ipv6_host": "1"}""");
        await agents.PublishAsync("testingtool.component.ready", """{"_api_version": "1.2.15", "component": "agent_1"}""");
        return first;
    }

    private static async Task<string[]> TsharkAsync(params string[] arguments)
    {
        // tshark warns on stderr when run as root: only the exit code and stdout count.
        var result = (await Command.RunAsync("tshark", arguments, TimeSpan.FromSeconds(60))).EnsureSuccess();
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static async Task<int> CountAsync(string file, string? filter = null) =>
        (await TsharkAsync(filter is null ? ["-r", file, "-T", "fields", "-e", "frame.number"] : ["-r", file, "-Y", filter, "-T", "fields", "-e", "frame.number"])).Length;

    /// <summary>Reads the file while the capture still writes it (it is valid at every moment) until it holds <paramref name="count"/> packets.</summary>
    private static async Task WaitForPacketsAsync(string file, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var seen = -1;
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(file) && (seen = await CountAsync(file)) >= count) return;
            await Task.Delay(200);
        }
        throw new TimeoutException($"{file} holds {seen} packets, not {count}");
    }

    [Fact]
    public async Task Pcapng_has_every_packet_under_an_interface_named_after_its_agent()
    {
        var url = await broker.CreateSessionAsync($"capture-ng-{Environment.ProcessId}");
        var file = Path.Combine(_directory.FullName, "session.pcapng");
        await using var capture = AgentProcess.Start("capture", "capture", "--url", url, "--write", file);
        await capture.WaitForLineAsync("Capturing fromAgent.# into");
        await using var agents = await BusClient.ConnectAsync(url);

        var first = await PublishSessionAsync(agents);
        await WaitForPacketsAsync(file, 8);
        var (exit, took) = await capture.StopAsync();
        Assert.Equal(0, exit);
        Assert.True(took < AgentProcess.QuickStop, $"stopping took {took}");
        await capture.WaitForLineAsync(@"Captured 8 packets \(agent_1 3, agent_2 4, agent_3 1\) into .*session\.pcapng$");

        var frames = (await TsharkAsync("-r", file, "-T", "fields", "-E", "separator=|", "-e", "frame.interface_name", "-e", "frame.time_epoch"))
            .Select(l => l.Split('|')).ToList();
        Assert.Equal(8, frames.Count);
        Assert.Equal(["agent_1", "agent_2", "agent_1", "agent_2", "agent_1", "agent_2", "agent_2", "agent_3"], frames.Select(f => f[0]));
        // The capture time is the body's timestamp, not the time the message arrived.
        Assert.InRange(double.Parse(frames[0][1], CultureInfo.InvariantCulture), first - 2e-6, first + 2e-6); // pcapng keeps microseconds
        Assert.Equal(3, await CountAsync(file, "icmpv6.type == 128"));
        Assert.Equal(3, await CountAsync(file, "icmpv6.type == 129"));
        Assert.Equal(1, await CountAsync(file, "icmp.type == 8"));
        Assert.Equal(1, await CountAsync(file, "wpan"));
        Assert.Equal(1, await CountAsync(file, "frame.interface_name == \"agent_3\" && wpan.dst_pan == 0xabcd"));
    }

    [Fact]
    public async Task Classic_pcap_is_raw_ip_and_802154_frames_go_to_a_sibling_file()
    {
        var url = await broker.CreateSessionAsync($"capture-pcap-{Environment.ProcessId}");
        var file = Path.Combine(_directory.FullName, "session.pcap");
        var frames = Path.Combine(_directory.FullName, "session.802154.pcap");
        await using var capture = AgentProcess.Start("capture", "capture", "--url", url, "--write", file);
        await capture.WaitForLineAsync("Capturing fromAgent.# into");
        await using var agents = await BusClient.ConnectAsync(url);

        await PublishSessionAsync(agents);
        await WaitForPacketsAsync(file, 7);
        await WaitForPacketsAsync(frames, 1);
        var (exit, _) = await capture.StopAsync();
        Assert.Equal(0, exit);
        await capture.WaitForLineAsync(@"Captured 8 packets .* into 2 files");

        Assert.Equal(7, await CountAsync(file));
        Assert.Equal(3, await CountAsync(file, "icmpv6.type == 128"));
        Assert.Equal(1, await CountAsync(file, "icmp.type == 8"));
        Assert.Contains("Raw IP", (await Command.RunAsync("capinfos", "-E", file)).EnsureSuccess().StandardOutput);
        Assert.Equal(1, await CountAsync(frames, "wpan"));
        Assert.Contains("802.15.4", (await Command.RunAsync("capinfos", "-E", frames)).EnsureSuccess().StandardOutput);
    }

    [Theory]
    [InlineData("huge.pcapng", 9)]
    [InlineData("huge.pcap", 8)] // the 802.15.4 frame goes to the sibling file
    public async Task A_huge_message_is_cut_to_the_snap_length_and_the_file_reads_on_after_it(string name, int ipPackets)
    {
        var url = await broker.CreateSessionAsync($"capture-huge-{Path.GetExtension(name)[1..]}-{Environment.ProcessId}");
        var file = Path.Combine(_directory.FullName, name);
        await using var capture = AgentProcess.Start("capture", "capture", "--url", url, "--write", file);
        await capture.WaitForLineAsync("Capturing fromAgent.# into");
        await using var agents = await BusClient.ConnectAsync(url);

        // Bigger than tshark's limit of 262144 bytes a record, which made it stop reading the file there.
        await agents.PublishAsync("fromAgent.agent_1.ip.tun.packet.raw", Body(Enumerable.Repeat((byte)0xFF, 300_000).ToArray(), "tun0", Now()));
        await PublishSessionAsync(agents);
        await WaitForPacketsAsync(file, ipPackets);
        Assert.Equal(0, (await capture.StopAsync()).ExitCode);
        await capture.WaitForLineAsync(@"Captured 9 packets .*, 1 cut to the snap length$");

        var lengths = await TsharkAsync("-r", file, "-T", "fields", "-E", "separator=|", "-e", "frame.cap_len", "-e", "frame.len");
        Assert.Equal(ipPackets, lengths.Length);
        Assert.Equal("65535|300000", lengths[0]);
        Assert.Equal(3, await CountAsync(file, "icmpv6.type == 129")); // the packets after it are all there
    }

    [Fact]
    public async Task Rotation_by_packets_keeps_the_last_files_each_readable()
    {
        var url = await broker.CreateSessionAsync($"capture-rotate-{Environment.ProcessId}");
        var file = Path.Combine(_directory.FullName, "ring.pcapng");
        await using var capture = AgentProcess.Start("capture", "capture", "--url", url, "--write", file, "--rotate-packets", "3", "--rotate-count", "2");
        await capture.WaitForLineAsync("Capturing fromAgent.# into");
        await using var agents = await BusClient.ConnectAsync(url);

        await PublishSessionAsync(agents); // 8 packets: ring.pcapng 3, ring-1 3, ring-2 2; the first is deleted
        await WaitForPacketsAsync(Path.Combine(_directory.FullName, "ring-2.pcapng"), 2);
        Assert.Equal(0, (await capture.StopAsync()).ExitCode);

        Assert.Equal(["ring-1.pcapng", "ring-2.pcapng"], _directory.GetFiles().Select(f => f.Name).Order());
        Assert.Equal(3, await CountAsync(Path.Combine(_directory.FullName, "ring-1.pcapng")));
        Assert.Equal(["agent_2", "agent_3"], (await TsharkAsync("-r", Path.Combine(_directory.FullName, "ring-2.pcapng"), "-T", "fields", "-e", "frame.interface_name")));
    }

    [Fact]
    public async Task Serve_answers_the_ioppytest_sniffers_requests_with_a_classic_pcap()
    {
        var url = await broker.CreateSessionAsync($"capture-serve-{Environment.ProcessId}");
        await using var backend = await BusClient.ConnectAsync(url, "sniffing.#", "testingtool.#");
        await using var capture = AgentProcess.Start("sniffer", "capture", "--url", url, "--serve");
        var ready = JsonNode.Parse(await backend.WaitForAsync("testingtool.component.ready"))!;
        Assert.Equal("sniffing", ready["component"]!.GetValue<string>());
        await using var agents = await BusClient.ConnectAsync(url);

        // Two clients publish, so nothing orders their messages but waiting: each step waits for the capture to see the last.
        await agents.PublishAsync("fromAgent.agent_1.ip.tun.packet.raw", Body(IcmpPackets.EchoRequestV6(Agent1, Agent2, 1, 1, "before"u8), "tun0", 1)); // before start
        await capture.WaitForLineAsync(@"agent_1 #1 ");
        await backend.PublishAsync("sniffing.start.request",
            """{"_api_version": "1.2.15", "capture_id": "TD_COAP_CORE_01", "filter_if": "tun0", "filter_proto": "udp"}""", "corr-start");
        Assert.True(JsonNode.Parse(await backend.WaitForReplyAsync("sniffing.start.reply", "corr-start"))!["ok"]!.GetValue<bool>());

        await PublishSessionAsync(agents); // 7 IP packets on tun0/tun1; the 802.15.4 frame is no raw IP
        await agents.PublishAsync("fromAgent.agent_4.ip.tun.packet.raw", Body(IcmpPackets.EchoRequestV6(Agent1, Agent2, 2, 1, "eth"u8), "eth0", 2)); // neither tun nor serial
        await agents.PublishAsync("fromAgent.agent_5.ip.tun.packet.raw", Body(IcmpPackets.EchoRequestV6(Agent1, Agent2, 3, 1, "mote"u8), "serial", 3));
        await capture.WaitForLineAsync(@"agent_5 #1 ");
        await backend.PublishAsync("sniffing.stop.request", """{"_api_version": "1.2.15"}""", "corr-stop");
        Assert.True(JsonNode.Parse(await backend.WaitForReplyAsync("sniffing.stop.reply", "corr-stop"))!["ok"]!.GetValue<bool>());
        await agents.PublishAsync("fromAgent.agent_1.ip.tun.packet.raw", Body(IcmpPackets.EchoRequestV6(Agent1, Agent2, 4, 1, "after"u8), "tun0", 4)); // after stop

        await backend.PublishAsync("sniffing.getcapture.request", """{"_api_version": "1.2.15", "capture_id": "TD_COAP_CORE_01"}""", "corr-get");
        var reply = JsonNode.Parse(await backend.WaitForReplyAsync("sniffing.getcapture.reply", "corr-get"))!;
        Assert.True(reply["ok"]!.GetValue<bool>(), reply.ToJsonString());
        Assert.Equal("1.2.15", reply["_api_version"]!.GetValue<string>());
        Assert.Equal("TD_COAP_CORE_01.pcap", reply["filename"]!.GetValue<string>());
        Assert.Equal("pcap_base64", reply["file_enc"]!.GetValue<string>());
        var pcap = Convert.FromBase64String(reply["value"]!.GetValue<string>());
        Assert.Equal([0xD4, 0xC3, 0xB2, 0xA1], pcap[..4]);
        Assert.Equal(2000, BitConverter.ToInt32(pcap, 16)); // snap length
        Assert.Equal(101, BitConverter.ToInt32(pcap, 20)); // LINKTYPE_RAW
        var file = Path.Combine(_directory.FullName, "TD_COAP_CORE_01.pcap");
        await File.WriteAllBytesAsync(file, pcap);
        Assert.Equal(8, await CountAsync(file));
        Assert.Equal(3 + 1, await CountAsync(file, "icmpv6.type == 128"));
        Assert.Equal(0, await CountAsync(file, "ipv6.dst == bbbb::2 && icmpv6.echo.identifier == 2"));

        await backend.PublishAsync("sniffing.getlastcapture.request", """{"_api_version": "1.2.15"}""", "corr-last");
        var last = JsonNode.Parse(await backend.WaitForReplyAsync("sniffing.getlastcapture.reply", "corr-last"))!;
        Assert.Equal("TD_COAP_CORE_01.pcap", last["filename"]!.GetValue<string>());
        Assert.Equal(reply["value"]!.GetValue<string>(), last["value"]!.GetValue<string>());

        await backend.PublishAsync("sniffing.getcapture.request", """{"_api_version": "1.2.15", "capture_id": "TD_NOPE"}""", "corr-nope");
        var error = JsonNode.Parse(await backend.WaitForReplyAsync("sniffing.getcapture.reply", "corr-nope"))!;
        Assert.False(error["ok"]!.GetValue<bool>());
        Assert.Contains("TD_NOPE", error["error_message"]!.GetValue<string>());

        Assert.Equal(0, (await capture.StopAsync()).ExitCode);
        var shutdown = JsonNode.Parse(await backend.WaitForAsync("testingtool.component.shutdown"))!;
        Assert.Equal("sniffing", shutdown["component"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("session.txt", "must end in .pcapng or .pcap")]
    [InlineData("no-such-directory/session.pcapng", "does not exist")]
    public async Task A_wrong_write_path_is_one_line_and_exit_code_2(string path, string says)
    {
        await using var capture = AgentProcess.Start("capture", "capture", "--url", broker.UrlFor("unused"), "--write", Path.Combine(_directory.FullName, path));
        Assert.Equal(2, await capture.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        var line = Assert.Single(capture.Lines);
        Assert.Contains(says, line);
        Assert.StartsWith("stderr: agent capture: --write", line);
    }
}
