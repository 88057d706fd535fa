using System.Globalization;
using System.Net;

namespace Agent.IntegrationTests;

/// <summary>
/// `agent tun` as a plain user (nobody) holding CAP_NET_ADMIN and nothing else, as a service manager would run it
/// (AmbientCapabilities=CAP_NET_ADMIN): without --netns, that is all it needs (--netns needs CAP_SYS_ADMIN too, for
/// setns). The interface lives in the test's own namespace, under a name and prefix of this test run.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class LeastPrivilegeTests(BrokerFixture broker) : IAsyncLifetime
{
    private const string Nobody = "65534";
    private const ulong CapNetAdmin = 1UL << 12;

    private static readonly int Pid = Environment.ProcessId;
    private static readonly string Name = $"lp{Pid}";
    private static readonly string TunName = $"tunlp{Pid}";
    private static readonly string Prefix = $"fd00:0:0:{Pid % 0xffff:x}";
    private static readonly IPAddress Address = IPAddress.Parse($"{Prefix}::1");
    private static readonly IPAddress Peer = IPAddress.Parse($"{Prefix}::99");

    private string _folder = "";

    /// <summary>
    /// A TUN clone device node of mode 0666, as udev makes /dev/net/tun on every usual system. This machine has no
    /// udev and keeps the kernel's 0600, which no capability short of CAP_DAC_OVERRIDE opens; the agent gets this node
    /// over /dev/net/tun in a mount namespace of its own, so the machine's device stays as it is.
    /// </summary>
    private string TunNode => Path.Combine(_folder, "tun");

    public async Task InitializeAsync()
    {
        _folder = Directory.CreateTempSubdirectory("agent-lp-").FullName;
        (await Command.RunAsync("mknod", "-m", "0666", TunNode, "c", "10", "200")).EnsureSuccess();
    }

    /// <summary>The agent as nobody, with only <paramref name="capabilities"/> (e.g. "+net_admin"), or none.</summary>
    private AgentProcess StartAsNobody(string url, string? capabilities, params string[] more)
    {
        string[] arguments = ["--mount", "--propagation", "private", "--", "bash", "-c", "mount --bind \"$0\" /dev/net/tun && exec \"$@\"", TunNode,
            "setpriv", $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups",
            .. capabilities is null ? [] : new[] { $"--inh-caps={capabilities}", $"--ambient-caps={capabilities}" },
            AgentProcess.ExecutablePath, "tun", "--url", url, "--name", Name, "--tun-name", TunName,
            "--ipv6-prefix", Prefix, "--ipv6-host", "1", "--ipv4-address", $"10.254.{Pid % 250}.1/24", .. more];
        return AgentProcess.Start(Name, arguments, new Dictionary<string, string>(), program: "unshare");
    }

    [Fact]
    public async Task As_a_plain_user_with_only_CAP_NET_ADMIN_agent_tun_works_and_stops_cleanly()
    {
        var url = await broker.CreateSessionAsync($"leastpriv-{Pid}");
        await using var backend = await BusClient.ConnectAsync(url, "fromAgent.#");
        await using var agent = StartAsNobody(url, "+net_admin");
        await agent.WaitForLineAsync($"Interface {TunName} is up");

        var status = await File.ReadAllLinesAsync($"/proc/{agent.Id}/status");
        Assert.Contains(status, l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t', StringSplitOptions.RemoveEmptyEntries).Skip(1).All(id => id == Nobody));
        Assert.Equal(CapNetAdmin, Capabilities(status, "CapEff:"));
        Assert.Equal(CapNetAdmin, Capabilities(status, "CapPrm:"));

        var addresses = (await Command.RunAsync("ip", "-o", "addr", "show", "dev", TunName)).EnsureSuccess().StandardOutput;
        Assert.Contains($"{Prefix}::1/64", addresses);
        Assert.Contains("fe80::1/64", addresses);
        Assert.Contains($"10.254.{Pid % 250}.1/24", addresses);

        // Both directions through the device it opened: our echo request down, the kernel's reply up.
        var request = IcmpPackets.EchoRequestV6(Peer, Address, 0x4c50, 1, "least privilege"u8);
        await backend.PublishAsync($"toAgent.{Name}.ip.tun.packet.raw", BusClient.PacketJson(request));
        await backend.WaitForAsync($"fromAgent.{Name}.ip.tun.packet.raw",
            body => IcmpPackets.IsEchoReplyTo(BusClient.DataOf(body), Peer, Address, 0x4c50, 1));

        var (exit, _) = await agent.StopAsync();
        Assert.True(exit == 0, agent.Output);
        Assert.False((await Command.RunAsync("ip", "link", "show", "dev", TunName)).Succeeded, $"{TunName} is still there after stop");
    }

    [Fact]
    public async Task As_a_plain_user_without_CAP_NET_ADMIN_agent_tun_says_in_one_line_that_it_needs_it()
    {
        var url = await broker.CreateSessionAsync($"leastpriv-none-{Pid}");
        await using var agent = StartAsNobody(url, capabilities: null);
        Assert.Equal(1, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var errors = agent.Lines.Where(l => l.StartsWith("stderr: ", StringComparison.Ordinal)).ToList();
        Assert.Equal("stderr: agent tun: cannot create a TUN interface: permission denied; run as root or grant CAP_NET_ADMIN", Assert.Single(errors));
    }

    [Fact]
    public async Task With_netns_CAP_NET_ADMIN_alone_is_not_enough_and_the_line_says_what_is_missing()
    {
        var url = await broker.CreateSessionAsync($"leastpriv-netns-{Pid}");
        await using var ns = await Netns.CreateAsync("agt-lp");
        await using var agent = StartAsNobody(url, "+net_admin", "--netns", ns.Name);
        Assert.Equal(1, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var error = Assert.Single(agent.Lines, l => l.StartsWith("stderr: ", StringComparison.Ordinal));
        Assert.EndsWith("--netns needs CAP_SYS_ADMIN besides CAP_NET_ADMIN (or run as root, or without --netns)", error);
    }

    private static ulong Capabilities(IEnumerable<string> status, string field) =>
        ulong.Parse(status.Single(l => l.StartsWith(field, StringComparison.Ordinal))[field.Length..].Trim(), NumberStyles.HexNumber);

    public async Task DisposeAsync()
    {
        await Command.RunAsync("ip", "link", "del", "dev", TunName); // only if a failed test left it
        Directory.Delete(_folder, recursive: true);
    }
}
