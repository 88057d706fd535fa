using System.Net;
using System.Text.RegularExpressions;

namespace Agent.IntegrationTests;

/// <summary>`agent tun` and input it must refuse, or must cope with: packets over the MTU, over-long names, a shared namespace.</summary>
[Collection(SystemCollection.Name)]
public sealed class TunInputTests(BrokerFixture broker)
{
    private static readonly IPAddress Peer = IPAddress.Parse("bbbb::99");

    [Fact]
    public async Task A_downlink_packet_larger_than_the_interface_mtu_is_dropped_and_counted()
    {
        var url = await broker.CreateSessionAsync($"mtu-{Environment.ProcessId}");
        await using var ns = await Netns.CreateAsync("agt-mtu");
        await using var backend = await BusClient.ConnectAsync(url, "fromAgent.#");
        await using var agent = AgentProcess.Start("agent_1", "tun", "--url", url, "--name", "agent_1", "--netns", ns.Name);
        await agent.WaitForLineAsync("is up");

        // A well-formed 65,040-byte IPv6 packet: the kernel would take it from a TUN whatever its MTU of 1500.
        var huge = IcmpPackets.EchoRequestV6(Peer, IPAddress.Parse("bbbb::1"), 0x0bad, 1, new byte[65_040 - 48]);
        Assert.Equal(65_040, huge.Length);
        await backend.PublishAsync("toAgent.agent_1.ip.tun.packet.raw", BusClient.PacketJson(huge));
        await agent.WaitForLineAsync(@"Dropped toAgent\.agent_1\.ip\.tun\.packet\.raw: oversize \(a 65040-byte packet, more than tun\d+'s MTU of 1500\)");
        await AgentLifecycleTests.AssertEchoThroughAsync(backend, "agent_1", IPAddress.Parse("bbbb::1"), 2);

        Assert.Equal(0, (await agent.StopAsync()).ExitCode);
        var totals = agent.Totals();
        Assert.Equal((1L, 1L), (totals.Down, totals.Dropped));
        Assert.Contains("oversize 1", agent.Lines.Last(l => l.Contains("Stopped agent_1")));
    }

    [Fact]
    public async Task A_name_too_long_for_a_routing_key_is_one_usage_line_and_the_longest_that_fits_works()
    {
        await using var tooLong = AgentProcess.Start("long", "tun", "--url", broker.UrlFor("unused"), "--name", new string('n', 300));
        Assert.Equal(2, await tooLong.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var line = Assert.Single(tooLong.Lines);
        Assert.StartsWith("stderr: agent tun: --name: the agent name is 300 bytes long, more than the 220 that fit", line);

        var url = await broker.CreateSessionAsync($"longname-{Environment.ProcessId}");
        var longest = new string('n', 220);
        await using var backend = await BusClient.ConnectAsync(url, "testingtool.#");
        await using var fits = AgentProcess.Start("longest", "tun", "--url", url, "--name", longest);
        await fits.WaitForLineAsync($"Waiting for toAgent\\.{longest}\\.ip\\.tun\\.start");
        await backend.WaitForAsync("testingtool.component.ready");
        Assert.Equal(0, (await fits.StopAsync()).ExitCode);
    }

    [Fact]
    public async Task Two_agents_moving_their_interfaces_into_one_namespace_at_once_both_come_up()
    {
        var url = await broker.CreateSessionAsync($"sharedns-{Environment.ProcessId}");
        await using var ns = await Netns.CreateAsync("agt-shared");
        // A pattern nobody else uses here, and its first name already taken there: the kernel picks that name for one
        // of the two, whose move then collides, as a second agent's did with the first one's tun0.
        var pattern = $"t{Environment.ProcessId % 10000}tun%d";
        (await ns.IpAsync("tuntap", "add", "dev", pattern.Replace("%d", "0"), "mode", "tun")).EnsureSuccess();
        await using var backend = await BusClient.ConnectAsync(url, "fromAgent.#");

        string[] Arguments(int n, string prefix) =>
        [
            "tun", "--url", url, "--name", $"agent_{n}", "--netns", ns.Name, "--tun-name", pattern, "--ipv6-prefix", prefix,
        ];
        await using var agent1 = AgentProcess.Start("agent_1", Arguments(1, "aaaa"), new Dictionary<string, string>());
        await using var agent2 = AgentProcess.Start("agent_2", Arguments(2, "cccc"), new Dictionary<string, string>());
        var up1 = await agent1.WaitForLineAsync(@"Interface (\S+) is up", TimeSpan.FromSeconds(60));
        var up2 = await agent2.WaitForLineAsync(@"Interface (\S+) is up", TimeSpan.FromSeconds(60));

        var links = (await ns.IpAsync("-o", "link", "show")).EnsureSuccess().StandardOutput;
        Assert.Contains($": {up1.Groups[1].Value}:", links);
        Assert.Contains($": {up2.Groups[1].Value}:", links);
        Assert.NotEqual(up1.Groups[1].Value, up2.Groups[1].Value);
        await AgentLifecycleTests.AssertEchoThroughAsync(backend, "agent_1", IPAddress.Parse("aaaa::1"), 1, IPAddress.Parse("aaaa::99"));
        await AgentLifecycleTests.AssertEchoThroughAsync(backend, "agent_2", IPAddress.Parse("cccc::2"), 1, IPAddress.Parse("cccc::99"));

        Assert.Equal(0, (await agent1.StopAsync()).ExitCode);
        Assert.Equal(0, (await agent2.StopAsync()).ExitCode);
        Assert.DoesNotMatch(Regex.Escape(pattern.Replace("%d", "")) + @"[1-9]", (await ns.IpAsync("-o", "link", "show")).StandardOutput);
    }
}
