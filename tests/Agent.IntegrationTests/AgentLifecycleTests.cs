using System.Net;
using System.Text.Json.Nodes;

namespace Agent.IntegrationTests;

/// <summary>How `agent tun` starts, waits, fails and survives: the behaviour a user sees around the packets.</summary>
[Collection(SystemCollection.Name)]
public sealed class AgentLifecycleTests(BrokerFixture broker)
{
    private static readonly IPAddress Peer = IPAddress.Parse("bbbb::99");

    /// <summary>Publishes an echo request to the agent's interface and waits for the kernel's reply on the bus.</summary>
    /// <param name="peer">The request's source, in the agent's prefix (bbbb::99 when not given).</param>
    internal static async Task AssertEchoThroughAsync(BusClient backend, string name, IPAddress address, ushort sequence, IPAddress? peer = null)
    {
        peer ??= Peer;
        var request = IcmpPackets.EchoRequestV6(peer, address, 0x1234, sequence, "lifecycle"u8);
        await backend.PublishAsync($"toAgent.{name}.ip.tun.packet.raw", BusClient.PacketJson(request));
        await backend.WaitForAsync($"fromAgent.{name}.ip.tun.packet.raw",
            body => IcmpPackets.IsEchoReplyTo(BusClient.DataOf(body), peer, address, 0x1234, sequence));
    }

    [Fact]
    public async Task A_name_outside_the_plan_waits_for_tun_start_then_announces_again_on_request()
    {
        var url = await broker.CreateSessionAsync($"waiting-{Environment.ProcessId}");
        await using var ns = await Netns.CreateAsync("agt-wait");
        await using var backend = await BusClient.ConnectAsync(url, "fromAgent.#", "testingtool.#");
        await using var agent = AgentProcess.Start("coap_client", "tun", "--url", url, "--name", "coap_client", "--netns", ns.Name);
        await agent.WaitForLineAsync(@"Waiting for toAgent\.coap_client\.ip\.tun\.start");
        await backend.WaitForAsync("testingtool.component.ready");
        Assert.DoesNotContain("tun", (await ns.IpAsync("-o", "link", "show")).StandardOutput);

        // What the real ioppytest coordinator sends: IPv6 fields only, legacy ":1" host.
        const string tunStart = """{"_api_version": "1.2.15", "ipv4_host": null, "ipv4_netmask": null, "ipv4_network": null, "ipv6_host": ":5", "ipv6_no_forwarding": false, "ipv6_prefix": "bbbb", "name": "coap_client", "re_route_packets_host": null, "re_route_packets_if": null, "re_route_packets_prefix": null}""";
        await backend.PublishAsync("toAgent.coap_client.ip.tun.start", tunStart);
        var started = JsonNode.Parse(await backend.WaitForAsync("fromAgent.coap_client.ip.tun.started"))!;
        Assert.Equal("5", started["ipv6_host"]!.GetValue<string>());
        Assert.Null(started["ipv4_address"]);
        var addresses = (await ns.IpAsync("-o", "addr", "show")).StandardOutput;
        Assert.Contains("bbbb::5/64", addresses);
        Assert.DoesNotContain("inet 10.", addresses);
        await AssertEchoThroughAsync(backend, "coap_client", IPAddress.Parse("bbbb::5"), 1);

        // A repeated tun.start means "announce yourself again"; the interface stays as it is.
        await backend.PublishAsync("toAgent.coap_client.ip.tun.start", """{"ipv6_prefix": "cccc", "ipv6_host": "9"}""");
        await agent.WaitForLineAsync("announcing it again");
        Assert.Equal(2, backend.Received.Count(r => r.Key == "fromAgent.coap_client.ip.tun.started"));
        Assert.DoesNotContain("cccc", (await ns.IpAsync("-o", "addr", "show")).StandardOutput);
    }

    [Fact]
    public async Task Without_tun_start_the_start_timeout_ends_the_agent_with_one_clear_line()
    {
        var url = await broker.CreateSessionAsync($"timeout-{Environment.ProcessId}");
        await using var agent = AgentProcess.Start("eut1", "tun", "--url", url, "--name", "eut1", "--start-timeout", "1");
        var exit = await agent.WaitForExitAsync(TimeSpan.FromSeconds(20));
        Assert.NotEqual(0, exit);
        Assert.Contains(agent.Lines, l => l.StartsWith("stderr: agent tun: no toAgent.eut1.ip.tun.start within 1 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreachable_broker_is_retried_then_given_up_with_one_clear_line()
    {
        await using var agent = AgentProcess.Start("agent_1", "tun", "--url", "amqp://guest:secret@127.0.0.1:9/", "--name", "agent_1", "--connect-timeout", "2");
        var exit = await agent.WaitForExitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(1, exit);
        Assert.True(agent.Lines.Count(l => l.Contains("unreachable") && l.Contains("retrying")) >= 2, agent.Output);
        Assert.Contains(agent.Lines, l => l.StartsWith("stderr: agent tun: cannot reach the broker at amqp://guest:***@127.0.0.1:9/", StringComparison.Ordinal));
        Assert.DoesNotContain("secret", agent.Output);
    }

    [Theory]
    [InlineData(new[] { "--name", "agent.1" }, "--name")]
    [InlineData(new[] { "--name", "agent_1", "--tun-name", "eth%d" }, "must contain 'tun'")]
    [InlineData(new[] { "--name", "agent_1", "--ipv6-prefix", "bbbb::1" }, "--ipv6-prefix")]
    [InlineData(new[] { "--name", "agent_1", "--netns", "no-such-namespace" }, "does not exist")]
    [InlineData(new[] { "--name", "agent_1", "--url", "http://localhost/" }, "--url")]
    public async Task Bad_command_lines_get_one_line_and_exit_code_2(string[] arguments, string expected)
    {
        await using var agent = AgentProcess.Start("agent", ["tun", .. arguments], new Dictionary<string, string>());
        Assert.Equal(2, await agent.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        var line = Assert.Single(agent.Lines);
        Assert.Contains(expected, line);
    }

    [Fact]
    public async Task Without_CAP_NET_ADMIN_the_agent_says_what_it_needs()
    {
        var url = await broker.CreateSessionAsync($"noperm-{Environment.ProcessId}");
        // Root without CAP_NET_ADMIN in its bounding set: the kernel refuses TUNSETIFF as it would for a plain user.
        await using var agent = AgentProcess.Start("agent_1", ["--bounding-set=-net_admin", "--inh-caps=-net_admin", AgentProcess.ExecutablePath,
            "tun", "--url", url, "--name", "agent_1"], new Dictionary<string, string>(), program: "setpriv");
        Assert.Equal(1, await agent.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains(agent.Lines, l => l.StartsWith("stderr: agent tun: ", StringComparison.Ordinal) && l.Contains("CAP_NET_ADMIN"));
    }

    [Fact]
    public async Task After_a_broker_restart_the_agent_reconnects_by_itself_and_keeps_forwarding()
    {
        var url = await broker.CreateSessionAsync($"restart-{Environment.ProcessId}");
        await using var ns = await Netns.CreateAsync("agt-rst");
        await using var agent = AgentProcess.Start("agent_1", "tun", "--url", url, "--name", "agent_1", "--netns", ns.Name);
        await using (var before = await BusClient.ConnectAsync(url, "fromAgent.#"))
        {
            await agent.WaitForLineAsync("is up");
            await AssertEchoThroughAsync(before, "agent_1", IPAddress.Parse("bbbb::1"), 1);
        }

        await broker.RestartBrokerAppAsync(TimeSpan.FromSeconds(1));
        await agent.WaitForLineAsync("Reconnected", TimeSpan.FromSeconds(30));
        Assert.False(agent.HasExited);

        await using var after = await BusClient.ConnectAsync(url, "fromAgent.#");
        await AssertEchoThroughAsync(after, "agent_1", IPAddress.Parse("bbbb::1"), 2);
        var (exit, _) = await agent.StopAsync();
        Assert.Equal(0, exit);
    }
}
