using System.Net;
using System.Text.Json;

namespace Agent.IntegrationTests;

/// <summary>
/// The agent's logs as tools read them: a <c>-vv</c> log file turned into a pcap by Wireshark's <c>text2pcap</c> and
/// read by tshark, and <c>--log-format json</c> read line by line as JSON. <c>agent capture</c> logs every packet it
/// sees, so a plain client publishing as the session's agents is all the traffic needed.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class LogTests(BrokerFixture broker) : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("agent-log-");

    public void Dispose() => _directory.Delete(recursive: true);

    /// <summary>3 pings from agent_1, 3 replies and an IPv4 ping from agent_2: 7 IP packets.</summary>
    private static async Task PublishPingsAsync(BusClient agents)
    {
        var (a1, a2) = (IPAddress.Parse("bbbb::1"), IPAddress.Parse("bbbb::2"));
        for (ushort seq = 1; seq <= 3; seq++)
        {
            await agents.PublishAsync("fromAgent.agent_1.ip.tun.packet.raw", PacketBody.Json(IcmpPackets.EchoRequestV6(a1, a2, 0x42, seq, "dump me"u8)));
            await agents.PublishAsync("fromAgent.agent_2.ip.tun.packet.raw", PacketBody.Json(IcmpPackets.EchoReplyV6(a2, a1, 0x42, seq, "dump me"u8)));
        }
        await agents.PublishAsync("fromAgent.agent_2.ip.tun.packet.raw",
            PacketBody.Json(IcmpPackets.EchoRequestV4(IPAddress.Parse("10.2.0.2"), IPAddress.Parse("10.2.0.1"), 9, 1, "v4"u8)));
    }

    private static string ReadShared(string path)
    {
        if (!File.Exists(path)) return "";
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }

    private static async Task WaitForTextAsync(string path, string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!ReadShared(path).Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{path} never held '{text}':\n{ReadShared(path)}");
            await Task.Delay(100);
        }
    }

    private static async Task<string[]> TsharkAsync(params string[] arguments) =>
        (await Command.RunAsync("tshark", arguments, TimeSpan.FromSeconds(60))).EnsureSuccess().StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task A_very_verbose_log_file_becomes_a_pcap_through_text2pcap()
    {
        var url = await broker.CreateSessionAsync($"log-vv-{Environment.ProcessId}");
        var log = Path.Combine(_directory.FullName, "capture.log");
        await using var capture = AgentProcess.Start("capture", "capture", "--url", url, "--write", Path.Combine(_directory.FullName, "c.pcapng"),
            "-vv", "--log-file", log);
        await WaitForTextAsync(log, "Capturing fromAgent.#");
        await using (var agents = await BusClient.ConnectAsync(url)) await PublishPingsAsync(agents);
        await WaitForTextAsync(log, "agent_2 #4 ");
        Assert.Equal(0, (await capture.StopAsync()).ExitCode);
        await WaitForTextAsync(log, "Captured 7 packets");
        // With --log-file the console shows warnings and errors only.
        Assert.DoesNotContain(capture.Lines, l => l.Contains("Capturing", StringComparison.Ordinal));

        var pcap = Path.Combine(_directory.FullName, "from-log.pcapng");
        // The README's recipe: the dump lines only (text2pcap would read numbers on other lines as bytes), raw IP.
        (await Command.RunAsync("bash", ["-c", $"grep -E '^[0-9a-f]{{6}} ' '{log}' | text2pcap -q -l 101 - '{pcap}'"], TimeSpan.FromSeconds(30))).EnsureSuccess();
        var frames = await TsharkAsync("-r", pcap, "-T", "fields", "-E", "separator=|", "-e", "ipv6.src", "-e", "icmpv6.type", "-e", "ip.src", "-e", "icmp.type");
        Assert.Equal(["bbbb::1|128||", "bbbb::2|129||", "bbbb::1|128||", "bbbb::2|129||", "bbbb::1|128||", "bbbb::2|129||", "||10.2.0.2|8"], frames);
    }

    [Fact]
    public async Task Json_logs_are_one_object_per_line()
    {
        var url = await broker.CreateSessionAsync($"log-json-{Environment.ProcessId}");
        await using var capture = AgentProcess.Start("capture", "capture", "--url", url, "--write", Path.Combine(_directory.FullName, "c.pcap"),
            "--log-format", "json");
        await capture.WaitForLineAsync("Capturing fromAgent");
        await using (var agents = await BusClient.ConnectAsync(url)) await PublishPingsAsync(agents);
        await capture.WaitForLineAsync("agent_2 #4 ");
        Assert.Equal(0, (await capture.StopAsync()).ExitCode);

        var events = capture.Lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(events, e => Assert.True(e.TryGetProperty("@t", out _), e.ToString()));
        var packet = events.First(e => e.GetProperty("@m").GetString()!.StartsWith("agent_1 #1 ", StringComparison.Ordinal));
        Assert.Equal("agent_1", packet.GetProperty("Direction").GetString());
        Assert.Equal(1, packet.GetProperty("Count").GetInt32());
        Assert.Contains(events, e => e.GetProperty("@m").GetString()!.StartsWith("Captured 7 packets", StringComparison.Ordinal));
    }
}
