using System.Text;
using Microsoft.Extensions.Time.Testing;
using Agent.Core.Protocol;
using Agent.Core.Stats;

namespace Agent.Core.Tests.Stats;

public sealed class SessionStatusTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1700000000));

    private static byte[] StatsBody(string name, string kind = "tun", IReadOnlyList<string>? addresses = null,
        Dictionary<string, long>? drops = null, long up = 58, long reconnects = 0, double uptime = 61) =>
        new AgentStats(name, kind, addresses ?? ["bbbb::1/64", "fe80::1/64", "10.2.0.1/24"], up, up * 100, 57, 5772,
            drops ?? [], reconnects, uptime).ToJson(DateTimeOffset.FromUnixTimeSeconds(1700000000));

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    private static string RowOf(string text, string name) =>
        text.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));

    [Fact]
    public void It_listens_to_stats_announcements_router_stats_and_components()
    {
        Assert.Equal(new[]
        {
            "fromAgent.*.stats", "fromAgent.*.mesh", "fromAgent.*.ip.tun.started", "fromAgent.*.802154.serial.started", "router.stats",
            "testingtool.component.ready", "testingtool.component.shutdown",
        }, SessionStatus.BindingKeys);
    }

    [Fact]
    public void Stats_become_a_row_with_every_counter()
    {
        var status = new SessionStatus(_time);
        Assert.True(status.Observe("fromAgent.agent_1.stats", StatsBody("agent_1", reconnects: 2,
            drops: new() { ["backlog"] = 3, ["malformed-json"] = 1 })));

        var agent = Assert.Single(status.Agents);
        Assert.Equal("tun", agent.Kind);
        Assert.False(agent.Left);
        var row = RowOf(status.Render(), "agent_1");
        Assert.Matches(@"^agent_1\s+tun\s+bbbb::1/64 fe80::1/64 10\.2\.0\.1/24\s+0s ago\s+58\s+5800\s+57\s+5772\s+2\s+1m01s\s+4 \(backlog 3, malformed-json 1\)$", row);
    }

    [Fact]
    public void The_header_names_every_column_and_cells_line_up_under_it()
    {
        var status = new SessionStatus(_time);
        status.Observe("fromAgent.agent_1.stats", StatsBody("agent_1"));
        status.Observe("fromAgent.a_long_agent_name.stats", StatsBody("a_long_agent_name", up: 123456));
        var lines = status.Render().Split('\n');

        var header = lines[0];
        Assert.Matches(@"^NAME\s+KIND\s+ADDRESSES\s+SEEN\s+UP PKTS\s+UP BYTES\s+DOWN PKTS\s+DOWN BYTES\s+RECONNECTS\s+UPTIME\s+DROPS$", header);
        // Right-aligned numbers end where their header ends.
        var upBytesEnd = header.IndexOf("UP BYTES", StringComparison.Ordinal) + "UP BYTES".Length;
        Assert.Equal("12345600", RowOf(string.Join('\n', lines), "a_long_agent_name")[(upBytesEnd - 8)..upBytesEnd]);
        Assert.Equal("5800", RowOf(string.Join('\n', lines), "agent_1")[(upBytesEnd - 4)..upBytesEnd]);
        Assert.DoesNotContain(lines, l => l.EndsWith(' '));
    }

    [Fact]
    public void Last_seen_counts_from_the_last_message_of_each_agent()
    {
        var status = new SessionStatus(_time);
        status.Observe("fromAgent.agent_1.stats", StatsBody("agent_1"));
        _time.Advance(TimeSpan.FromSeconds(40));
        status.Observe("fromAgent.agent_2.stats", StatsBody("agent_2", addresses: ["bbbb::2/64"]));
        _time.Advance(TimeSpan.FromSeconds(5));

        var text = status.Render();
        Assert.Contains(" 45s ago ", RowOf(text, "agent_1"));
        Assert.Contains(" 5s ago ", RowOf(text, "agent_2"));

        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Contains(" 2m45s ago ", RowOf(status.Render(), "agent_1"));
        Assert.Equal(_time.GetUtcNow() - TimeSpan.FromSeconds(165), status.Agents[0].LastSeen);
    }

    [Fact]
    public void An_agent_that_only_announced_itself_shows_its_plan_addresses_and_no_counters()
    {
        var status = new SessionStatus(_time);
        var started = new TunConfigMessage("agent_1", "bbbb", "1", false, "10.2.0.1", "10.2.0.1", "10.2.0.0", "255.255.255.0").ToJson();
        Assert.True(status.Observe("fromAgent.agent_1.ip.tun.started", started));

        var agent = Assert.Single(status.Agents);
        Assert.Equal("tun", agent.Kind);
        Assert.Equal(new[] { "bbbb::1", "10.2.0.1" }, agent.Addresses);
        Assert.Null(agent.Stats);
        Assert.Matches(@"^agent_1\s+tun\s+bbbb::1 10\.2\.0\.1\s+0s ago\s+-\s+-\s+-\s+-\s+-\s+-\s+-$", RowOf(status.Render(), "agent_1"));

        // Stats bring the full list, and their kind wins (a serial agent with IP payload also says tun.started).
        status.Observe("fromAgent.agent_1.stats", StatsBody("agent_1", kind: "serial", addresses: ["bbbb::1"]));
        status.Observe("fromAgent.agent_1.ip.tun.started", started);
        Assert.Equal("serial", status.Agents[0].Kind);
        Assert.NotNull(status.Agents[0].Stats);
    }

    [Fact]
    public void A_serial_agent_of_the_probe_mode_shows_its_port()
    {
        var status = new SessionStatus(_time);
        Assert.True(status.Observe("fromAgent.agent_5.802154.serial.started",
            new SerialStartedMessage("agent_5", "/dev/ttyUSB1", 115200).ToJson()));
        Assert.Matches(@"^agent_5\s+serial\s+/dev/ttyUSB1\s+0s ago", RowOf(status.Render(), "agent_5"));
    }

    [Fact]
    public void A_shutdown_marks_the_agent_as_left_until_it_is_heard_again()
    {
        var status = new SessionStatus(_time);
        status.Observe("fromAgent.agent_1.stats", StatsBody("agent_1"));
        status.Observe("fromAgent.agent_2.stats", StatsBody("agent_2"));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(status.Observe(Topics.ComponentShutdown, ComponentMessage.Shutdown("agent_1").ToJson()));
        _time.Advance(TimeSpan.FromSeconds(3));

        var text = status.Render();
        Assert.Contains(" left 3s ago ", RowOf(text, "agent_1"));
        Assert.Contains(" 5s ago ", RowOf(text, "agent_2"));
        Assert.True(status.Agents[0].Left);
        Assert.False(status.Agents[1].Left);

        status.Observe(Topics.ComponentReady, ComponentMessage.Ready("agent_1").ToJson());
        Assert.False(status.Agents[0].Left);
        status.Observe(Topics.ComponentShutdown, ComponentMessage.Shutdown("agent_1").ToJson());
        status.Observe("fromAgent.agent_1.stats", StatsBody("agent_1"));
        Assert.False(status.Agents[0].Left);
    }

    [Fact]
    public void Components_that_are_not_agents_make_no_row_and_odd_messages_are_ignored()
    {
        var status = new SessionStatus(_time);
        Assert.False(status.Observe(Topics.ComponentReady, ComponentMessage.Ready("sniffer").ToJson()));
        Assert.False(status.Observe(Topics.ComponentShutdown, ComponentMessage.Shutdown("agent_9").ToJson()));
        Assert.False(status.Observe("fromAgent.agent_1.stats", Json("{not json")));
        Assert.False(status.Observe("fromAgent.agent_1.stats", Json("""{"kind": "tun"}""")));
        Assert.False(status.Observe("fromAgent.agent_1.ip.tun.packet.raw", Json("""{"data": [96]}""")));
        Assert.False(status.Observe("session.configuration", Json("{}")));
        Assert.Empty(status.Agents);
    }

    [Fact]
    public void With_nothing_heard_it_says_so()
    {
        var text = new SessionStatus(_time).Render();
        Assert.Contains("No agents seen: none answered agents.stats.request or announced itself.", text);
        Assert.Contains("No router seen (router.stats).", text);
    }

    [Fact]
    public void Many_drop_reasons_show_the_total_and_the_top_three()
    {
        var status = new SessionStatus(_time);
        status.Observe("fromAgent.agent_1.stats", StatsBody("agent_1",
            drops: new() { ["a"] = 1, ["b"] = 5, ["c"] = 2, ["d"] = 2, ["e"] = 0 }));
        Assert.EndsWith(" 10 (b 5, c 2, d 2, +1 more)", RowOf(status.Render(), "agent_1"));
    }

    [Fact]
    public void Each_router_replica_gets_a_line_and_one_per_agent_it_routes()
    {
        var status = new SessionStatus(_time);
        var stats = new RouterStats("packetrouting", "r1", 3700, ["agent_1", "agent_2"],
            new Dictionary<string, RoutedTraffic> { ["agent_2"] = new(10, 20, 0), ["agent_1"] = new(12, 24, 1) });
        Assert.True(status.Observe("router.stats", stats.ToJson(_time.GetUtcNow())));
        status.Observe("router.stats", (stats with { Replica = "r2", Agents = [], Traffic = new Dictionary<string, RoutedTraffic>() }).ToJson(_time.GetUtcNow()));
        _time.Advance(TimeSpan.FromSeconds(1));

        var lines = status.Render().Split('\n');
        var r1 = Array.IndexOf(lines, "Router packetrouting r1: 1s ago, up 1h01m, agents agent_1, agent_2");
        Assert.True(r1 >= 0, string.Join('\n', lines));
        Assert.Equal("  agent_1: received 12, forwarded 24, dropped 1", lines[r1 + 1]);
        Assert.Equal("  agent_2: received 10, forwarded 20, dropped 0", lines[r1 + 2]);
        Assert.Equal("Router packetrouting r2: 1s ago, up 1h01m, agents none yet", lines[r1 + 3]);

        // The router's shutdown does not say which replica: all are marked until one speaks again.
        status.Observe(Topics.ComponentShutdown, ComponentMessage.Shutdown("packetrouting").ToJson());
        Assert.All(status.Routers, r => Assert.True(r.Left));
        status.Observe("router.stats", stats.ToJson(_time.GetUtcNow()));
        Assert.False(status.Routers.Single(r => r.Stats.Replica == "r1").Left);
        Assert.Contains("Router packetrouting r2: left 0s ago", status.Render());
    }

    [Fact]
    public void Agents_only_a_router_knows_get_a_row_with_dashes()
    {
        var status = new SessionStatus(_time);
        status.Observe("fromAgent.agent_1.stats", StatsBody("agent_1"));
        var stats = new RouterStats("packetrouting", "r1", 60, ["agent_1", "coap_server"], new Dictionary<string, RoutedTraffic>());
        status.Observe("router.stats", stats.ToJson(_time.GetUtcNow()));

        Assert.Equal(["agent_1", "coap_server"], status.Agents.Select(a => a.Name));
        Assert.Matches(@"^coap_server\s+-\s+-\s+-\s+-\s+-\s+-\s+-\s+-\s+-\s+-$", RowOf(status.Render(), "coap_server"));
        Assert.Matches(@"^agent_1\s+tun\s+bbbb::1/64", RowOf(status.Render(), "agent_1"));
    }
}
