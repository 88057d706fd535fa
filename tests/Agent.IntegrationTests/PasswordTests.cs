using System.Net;
using System.Runtime.Versioning;
using System.Text;

namespace Agent.IntegrationTests;

/// <summary>
/// The session password stays out of everything the agent prints, at every verbosity (-v is the most: debug, message
/// bodies included), and out of the process list when it comes through AMQP_URL or --url-file. The broker user is
/// one of the test's own, with a password that appears nowhere else.
/// </summary>
[Collection(SystemCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class PasswordTests(BrokerFixture broker, SessionUser user) : IClassFixture<SessionUser>, IDisposable
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("agent-pw-").FullName;

    private void AssertNoPassword(AgentProcess process)
    {
        Assert.DoesNotContain(user.Password, process.Output);
        Assert.Contains($"{user.Name}:***@", process.Output); // it did print the URL, masked
    }

    [Fact]
    public async Task The_password_appears_in_no_output_even_with_verbose()
    {
        var url = await user.UrlAsync(broker);
        await using var ns = await Netns.CreateAsync("agt-pw");
        await using var backend = await BusClient.ConnectAsync(broker.UrlFor(user.Vhost), "fromAgent.#");
        await using var router = AgentProcess.Start("router", "router", "-v", "--url", url);
        await using var agent = AgentProcess.Start("agent_1", "tun", "-v", "--url", url, "--name", "agent_1", "--netns", ns.Name);
        await agent.WaitForLineAsync("is up");
        await router.WaitForLineAsync("Routing");
        // Announced once its relay runs: a packet sent before that is dropped as not-started (failed once in CI).
        await backend.WaitForAsync("fromAgent.agent_1.ip.tun.started");

        // Bodies go to the debug log: push one each way.
        var (peer, address) = (IPAddress.Parse("bbbb::99"), IPAddress.Parse("bbbb::1"));
        await backend.PublishAsync("toAgent.agent_1.ip.tun.packet.raw", BusClient.PacketJson(IcmpPackets.EchoRequestV6(peer, address, 7, 1, "pw"u8)));
        await backend.WaitForAsync("fromAgent.agent_1.ip.tun.packet.raw", body => IcmpPackets.IsEchoReplyTo(BusClient.DataOf(body), peer, address, 7, 1));

        await using var status = AgentProcess.Start("status", "status", "-v", "--wait", "1", "--url", url);
        Assert.Equal(0, await status.WaitForExitAsync(ExitBound));
        await using var refused = AgentProcess.Start("refused", "status", "-v", "--url", url.Replace(user.Password, user.Password + "x"));
        Assert.Equal(1, await refused.WaitForExitAsync(ExitBound));
        Assert.Contains(refused.Lines, l => l.Contains("refused the login"));

        Assert.Equal(0, (await agent.StopAsync()).ExitCode);
        Assert.Equal(0, (await router.StopAsync()).ExitCode);
        Assert.Contains(agent.Lines, l => l.Contains(" DBG "));
        foreach (var process in new[] { agent, router, status, refused }) AssertNoPassword(process);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Given_by_url_file_or_AMQP_URL_the_password_stays_out_of_the_process_list(bool urlFile)
    {
        var url = await user.UrlAsync(broker);
        var file = Path.Combine(_folder, "url");
        await File.WriteAllTextAsync(file, url + "\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using var ns = await Netns.CreateAsync("agt-pwf");
        await using var agent = urlFile
            ? AgentProcess.Start("agent_2", "tun", "-v", "--url-file", file, "--name", "agent_2", "--netns", ns.Name)
            : AgentProcess.Start("agent_2", ["tun", "-v", "--name", "agent_2", "--netns", ns.Name], new Dictionary<string, string> { ["AMQP_URL"] = url });
        await agent.WaitForLineAsync("is up");

        var commandLine = Encoding.UTF8.GetString(await File.ReadAllBytesAsync($"/proc/{agent.Id}/cmdline")).Replace('\0', ' ');
        Assert.Contains("--name agent_2", commandLine);
        Assert.DoesNotContain(user.Password, commandLine);
        Assert.DoesNotContain(agent.Lines, l => l.Contains("may be read by other users"));

        Assert.Equal(0, (await agent.StopAsync()).ExitCode);
        AssertNoPassword(agent);
    }

    [Fact]
    public async Task A_url_file_others_may_read_works_with_a_warning()
    {
        var url = await user.UrlAsync(broker);
        var file = Path.Combine(_folder, "shared-url");
        await File.WriteAllTextAsync(file, url);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await using var status = AgentProcess.Start("status", "status", "--wait", "1", "--url-file", file);
        Assert.Equal(0, await status.WaitForExitAsync(ExitBound));
        Assert.Contains(status.Lines, l => l.StartsWith("stderr: ", StringComparison.Ordinal)
            && l.Contains($"WRN --url-file {file} may be read by other users (mode 644); chmod 600 it"));
        AssertNoPassword(status);
    }

    [Theory]
    [InlineData("missing", "--url-file: cannot read")]
    [InlineData("empty", "is empty; write the session URL")]
    [InlineData("both", "give --url or --url-file, not both")]
    public async Task A_url_file_that_cannot_serve_is_one_line_and_exit_2(string fault, string expected)
    {
        var file = Path.Combine(_folder, fault);
        if (fault != "missing") await File.WriteAllTextAsync(file, fault == "both" ? "amqp://guest:guest@localhost/" : "\n");
        string[] extra = fault == "both" ? ["--url", "amqp://guest:guest@localhost/"] : [];
        await using var status = AgentProcess.Start("status", ["status", "--url-file", file, .. extra], new Dictionary<string, string>());
        Assert.Equal(2, await status.WaitForExitAsync(ExitBound));
        Assert.Contains(expected, Assert.Single(status.Lines));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
