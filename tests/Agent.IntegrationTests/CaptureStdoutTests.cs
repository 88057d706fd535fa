using System.Net;

namespace Agent.IntegrationTests;

/// <summary>
/// <c>agent capture -w - | tshark -r -</c> through a real shell pipe: tshark prints each ping while the session goes
/// on (so every packet was flushed as it came), the logs went to stderr, and when tshark has had enough and leaves,
/// the capture notices the broken pipe and stops by itself.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class CaptureStdoutTests(BrokerFixture broker) : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("agent-capture-stdout-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Pcapng_on_stdout_shows_each_ping_in_tshark_while_it_happens()
    {
        var url = await broker.CreateSessionAsync($"capture-stdout-{Environment.ProcessId}");
        var stderr = Path.Combine(_directory.FullName, "capture.err");
        // tshark -c 3: it leaves after the third packet, as a reader closing its window would.
        var pipeline = $"'{AgentProcess.ExecutablePath}' capture --url '{url}' -w - 2>'{stderr}' | tshark -l -r - -c 3 -T fields -e frame.interface_name -e icmpv6.echo.sequence_number";
        await using var shell = AgentProcess.Start("pipeline", ["-c", pipeline], new Dictionary<string, string>(), "bash");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!File.Exists(stderr) || !File.ReadAllText(stderr).Contains("Capturing fromAgent.#", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline || shell.HasExited) throw new TimeoutException($"the capture did not start:\n{shell.Output}\n{(File.Exists(stderr) ? File.ReadAllText(stderr) : "")}");
            await Task.Delay(100);
        }

        await using var agents = await BusClient.ConnectAsync(url);
        var (a1, a2) = (IPAddress.Parse("bbbb::1"), IPAddress.Parse("bbbb::2"));
        for (ushort seq = 1; seq <= 3; seq++)
        {
            await agents.PublishAsync($"fromAgent.agent_{seq}.ip.tun.packet.raw", PacketBody.Json(IcmpPackets.EchoRequestV6(a1, a2, 7, seq, "live"u8)));
            // Seen before the next ping is even sent: nothing waits in a buffer.
            await shell.WaitForLineAsync($@"^agent_{seq}\s+{seq}$");
        }

        // tshark leaves: a packet after that meets a broken pipe and the capture stops on its own (one sent before
        // tshark is quite gone may still fit in the pipe, hence more than one).
        for (ushort seq = 4; !shell.HasExited && seq < 200; seq++)
        {
            await agents.PublishAsync($"fromAgent.agent_1.ip.tun.packet.raw", PacketBody.Json(IcmpPackets.EchoRequestV6(a1, a2, 7, seq, "live"u8)));
            await Task.Delay(200);
        }
        Assert.Equal(0, await shell.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var log = File.ReadAllText(stderr);
        Assert.Contains("stdout closed (its reader went away): stopping", log);
        Assert.Matches(@"Captured \d+ packets \(agent_1 \d+, agent_2 1, agent_3 1\) into -", log);
        Assert.DoesNotContain(shell.Lines, l => l.Contains("Capturing", StringComparison.Ordinal)); // the logs were on stderr only
    }
}
