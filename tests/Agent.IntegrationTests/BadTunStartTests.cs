using System.Net;
using System.Text.Json.Nodes;

namespace Agent.IntegrationTests;

/// <summary>A waiting `agent tun` and the start messages it cannot use: each dropped, counted and logged, and it waits on.</summary>
[Collection(SystemCollection.Name)]
public sealed class BadTunStartTests(BrokerFixture broker)
{
    /// <summary>Each with a word its log line must carry, so that the reason is the validation and not a later failure.</summary>
    private static readonly (string Body, string Why)[] Unusable =
    [
        ("""{"ipv6_prefix": "ff02", "ipv6_host": "5"}""", "multicast"),
        ("""{"ipv6_prefix": "::", "ipv6_host": "5"}""", "unspecified"),
        ("""{"ipv6_prefix": "bbbb", "ipv6_host": "5", "ipv4_host": 4294967295, "ipv4_network": "10.1.0.0", "ipv4_netmask": "255.255.0.0"}""", "does not fit"),
        ("""{"ipv6_prefix": "bbbb", "ipv6_host": "5", "ipv4_address": "127.0.0.1/8"}""", "loopback"),
        ("""{"ipv6_prefix": "bbbb", "ipv6_host": "5", "ipv4_address": "0.0.0.0/1"}""", "/1"),
        // Well-formed, but ip refuses it: the interface was made and configured, then removed again.
        ("""{"ipv6_prefix": "bbbb", "ipv6_host": "5", "re_route_packets_if": "nosuchif0", "re_route_packets_prefix": "cccc", "re_route_packets_host": "1"}""", "nosuchif0"),
    ];

    [Fact]
    public async Task A_waiting_agent_survives_unusable_tun_starts_and_then_starts_on_a_good_one()
    {
        var url = await broker.CreateSessionAsync($"badstart-{Environment.ProcessId}");
        await using var ns = await Netns.CreateAsync("agt-badstart");
        await using var backend = await BusClient.ConnectAsync(url, "fromAgent.#");
        await using var agent = AgentProcess.Start("eut1", "tun", "--url", url, "--name", "eut1", "--netns", ns.Name, "--stats-interval", "0");
        await agent.WaitForLineAsync(@"Waiting for toAgent\.eut1\.ip\.tun\.start");

        foreach (var (body, why) in Unusable)
        {
            await backend.PublishAsync("toAgent.eut1.ip.tun.start", body);
            await agent.WaitForLineAsync($@"Dropped toAgent\.eut1\.ip\.tun\.start: bad-control \(.*{System.Text.RegularExpressions.Regex.Escape(why)}");
        }
        Assert.False(agent.HasExited, agent.Output);
        Assert.DoesNotContain("tun", (await ns.IpAsync("-o", "link", "show")).StandardOutput);
        Assert.DoesNotContain(backend.Received, r => r.Key == "fromAgent.eut1.ip.tun.started");

        await backend.PublishAsync("toAgent.eut1.ip.tun.start", """{"ipv6_prefix": "bbbb", "ipv6_host": "5", "ipv4_address": "10.2.0.5/24"}""");
        var started = JsonNode.Parse(await backend.WaitForAsync("fromAgent.eut1.ip.tun.started"))!;
        Assert.Equal("10.2.0.5", started["ipv4_address"]!.GetValue<string>());
        await AgentLifecycleTests.AssertEchoThroughAsync(backend, "eut1", IPAddress.Parse("bbbb::5"), 1);

        var (exit, _) = await agent.StopAsync();
        Assert.Equal(0, exit);
        Assert.Equal(Unusable.Length, agent.Totals().Dropped);
        Assert.Contains($"bad-control {Unusable.Length}", agent.Lines.Last(l => l.Contains("Stopped eut1")));
    }
}
