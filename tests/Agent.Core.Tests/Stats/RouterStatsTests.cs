using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Agent.Core.Stats;
using Agent.Testing;

namespace Agent.Core.Tests.Stats;

public sealed class RouterStatsTests
{
    private static readonly RouterStats Sample = new("packetrouting", "host-1234", 61.5, ["agent_1", "agent_2"],
        new Dictionary<string, RoutedTraffic>
        {
            ["agent_1"] = new(12, 24, 1),
            ["agent_2"] = new(10, 20, 0),
        });

    [Fact]
    public void Router_stats_survive_a_round_trip()
    {
        var json = Sample.ToJson(DateTimeOffset.FromUnixTimeMilliseconds(1700000000_250));
        var back = RouterStats.TryParse(json)!;

        Assert.Equal("packetrouting", back.Component);
        Assert.Equal("host-1234", back.Replica);
        Assert.Equal(61.5, back.UptimeSeconds);
        Assert.Equal(new[] { "agent_1", "agent_2" }, back.Agents);
        Assert.Equal(new RoutedTraffic(12, 24, 1), back.Traffic["agent_1"]);
        Assert.Equal(new RoutedTraffic(10, 20, 0), back.Traffic["agent_2"]);

        var body = JsonNode.Parse(json)!;
        Assert.Equal("1.2.15", body["_api_version"]!.GetValue<string>());
        Assert.Equal(1700000000.25, body["timestamp"]!.GetValue<double>());
        Assert.Equal(24, body["traffic"]!["agent_1"]!["forwarded"]!.GetValue<long>());
    }

    [Fact]
    public void Router_stats_tolerate_missing_and_odd_fields()
    {
        var empty = RouterStats.TryParse("{}"u8)!;
        Assert.Equal(RouterStats.DefaultComponent, empty.Component);
        Assert.Equal("", empty.Replica);
        Assert.Empty(empty.Agents);
        Assert.Empty(empty.Traffic);

        var odd = RouterStats.TryParse("""
            {"replica": 7, "uptime_s": 3, "agents": ["agent_1", null], "traffic": {"agent_1": {"received": 2.0}, "agent_2": 5}, "extra": true}
            """u8)!;
        Assert.Equal("7", odd.Replica);
        Assert.Equal(3, odd.UptimeSeconds);
        Assert.Equal(new[] { "agent_1" }, odd.Agents);
        Assert.Equal(new RoutedTraffic(2, 0, 0), Assert.Single(odd.Traffic).Value);

        Assert.Null(RouterStats.TryParse("not json"u8));
        Assert.Null(RouterStats.TryParse("[1, 2]"u8));
    }

    [Fact]
    public void The_summary_names_every_agent_in_one_line()
    {
        Assert.Equal("2 agents, up 62 s; agent_1 received 12, forwarded 24, dropped 1; agent_2 received 10, forwarded 20, dropped 0",
            Sample.Summary());
    }

    [Fact]
    public async Task The_router_publisher_answers_a_request_and_logs_a_summary_each_interval()
    {
        var bus = new FakeBus();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1700000000));
        var (log, sink) = CollectingSink.Logger();
        var calls = 0;
        var publisher = new RouterStatsPublisher(() => Sample with { UptimeSeconds = ++calls }, bus, TimeSpan.FromSeconds(10), log, time);
        using var stop = new CancellationTokenSource();
        var run = publisher.RunAsync(stop.Token);

        Assert.Equal(1, RouterStats.TryParse(await bus.WaitForAsync(StatsKeys.Router))!.UptimeSeconds);
        await bus.DeliverAsync(StatsKeys.Request, StatsKeys.RequestBody("test"));
        Assert.Equal(2, RouterStats.TryParse(await bus.WaitForAsync(StatsKeys.Router, count: 2))!.UptimeSeconds);
        Assert.Empty(sink.Lines);

        time.Advance(TimeSpan.FromSeconds(10));
        await bus.WaitForAsync(StatsKeys.Router, count: 3);
        await Eventually.TrueAsync(() => sink.Lines.Count > 0);
        Assert.Contains(sink.Lines, l => l.StartsWith("Stats packetrouting host-1234: 2 agents, up 3 s; agent_1 received 12", StringComparison.Ordinal));

        await stop.CancelAsync();
        await run;
    }
}
