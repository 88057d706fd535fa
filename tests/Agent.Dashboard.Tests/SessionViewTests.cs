using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Agent.Core.Stats;

namespace Agent.Dashboard.Tests;

public sealed class SessionViewTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1700000000));

    private byte[] Stats(string name, string address, long up, double uptime) =>
        new AgentStats(name, "tun", [address + "/64"], up, up * 100, 0, 0, new Dictionary<string, long> { ["backlog"] = 2 }, 0, uptime).ToJson(_time.GetUtcNow());

    [Fact]
    public void It_listens_to_what_status_listens_to_and_to_every_agents_packets()
    {
        Assert.Equal([.. SessionStatus.BindingKeys, "fromAgent.*.ip.tun.packet.raw", "fromAgent.*.802154.serial.packet.raw"], SessionView.BindingKeys);
    }

    [Fact]
    public void Packets_name_the_agent_that_owns_their_destination_and_read_as_the_log_writes_them()
    {
        var view = new SessionView(TimeSpan.FromMinutes(10), _time);
        view.Observe("fromAgent.agent_2.stats", Stats("agent_2", "bbbb::2", 1, 1));
        view.Tick();

        view.Observe("fromAgent.agent_1.ip.tun.packet.raw", Packets.Body(Packets.EchoRequest("bbbb::1", "bbbb::2", 3), _time.GetUtcNow()));
        view.Observe("fromAgent.agent_1.ip.tun.packet.raw", Packets.Body(Packets.EchoRequest("bbbb::1", "bbbb::9", 4), _time.GetUtcNow()));
        view.Observe("fromAgent.agent_1.ip.tun.packet.raw", "{not json"u8);

        var packets = view.Packets.After(0, 10);
        Assert.Equal(2, packets.Count);
        Assert.Equal(("agent_1", "agent_2"), (packets[0].Record.Agent, packets[0].To));
        Assert.Equal("bbbb::9", packets[1].To);
        Assert.StartsWith("56 B bbbb::1 -> bbbb::2 ICMPv6 echo-request", packets[0].Line);
        Assert.Equal(1, view.Unreadable);
        Assert.Single(view.Status.Agents); // packets are not stats
    }

    [Fact]
    public void The_state_carries_the_bus_shapes_of_stats_routers_and_meshes_with_when_heard_and_the_rates()
    {
        var view = new SessionView(TimeSpan.FromMinutes(10), _time);
        view.Observe("fromAgent.agent_1.stats", Stats("agent_1", "bbbb::1", 10, 10));
        view.Tick();
        _time.Advance(TimeSpan.FromSeconds(2));
        view.Observe("fromAgent.agent_1.stats", Stats("agent_1", "bbbb::1", 30, 12));
        view.Tick();
        view.Observe("fromAgent.agent_7.ip.tun.started", Encoding.UTF8.GetBytes("""{"ipv6_prefix": "bbbb", "ipv6_host": "7"}"""));
        view.Observe("fromAgent.agent_3.mesh", new MeshReport("agent_3", "r", "bbbb::/64", [new MoteReport("r", "bbbb::1", [], 0, null)], []).ToJson(_time.GetUtcNow()));
        view.Observe("router.stats", new RouterStats("packetrouting", "it-1", 5, ["agent_1"], new Dictionary<string, RoutedTraffic>()).ToJson(_time.GetUtcNow()));

        var state = JsonNode.Parse(DashboardJson.State(view, _time.GetUtcNow()))!;

        var agents = state["agents"]!.AsArray();
        Assert.Equal(new[] { "agent_1", "agent_7" }, agents.Select(a => (string)a!["name"]!));
        Assert.Equal(30, (long)agents[0]!["stats"]!["up_packets"]!);
        Assert.Equal(2, (long)agents[0]!["stats"]!["drops"]!["backlog"]!);
        Assert.Equal(10.0, (double)agents[0]!["rates"]![0]!);
        Assert.Null(agents[1]!["stats"]); // an original agent: announced, no stats
        Assert.Equal("r", (string)state["meshes"]![0]!["root"]!);
        Assert.Equal("it-1", (string)state["routers"]![0]!["replica"]!);
        Assert.Equal(0, (double)state["routers"]![0]!["seen_s"]!);
    }
}
