using Microsoft.Extensions.Time.Testing;
using Agent.Core.Protocol;
using Agent.Core.Relay;
using Agent.Core.Stats;
using Agent.Core.Tests.Fakes;

namespace Agent.Core.Tests.Stats;

public sealed class StatsPublisherTests
{
    [Fact]
    public async Task Stats_go_out_at_start_and_every_interval_with_the_counters_and_a_summary_line()
    {
        var bus = new FakeBus();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1700000000));
        var counters = new TrafficCounters();
        counters.CountUp(100);
        counters.CountDrop(DropReasons.Backlog);
        var (log, sink) = CollectingSink.Logger();
        var publisher = new StatsPublisher(AgentName.Parse("agent_1"), "tun", () => ["bbbb::1/64"], counters, bus, TimeSpan.FromSeconds(10), log, time);
        using var stop = new CancellationTokenSource();
        var run = publisher.RunAsync(stop.Token);

        var first = AgentStats.TryParse(await bus.WaitForAsync("fromAgent.agent_1.stats"))!;
        Assert.Equal(new[] { "bbbb::1/64" }, first.Addresses);
        Assert.Equal(1, first.UpPackets);
        Assert.Equal(100, first.UpBytes);
        Assert.Equal(1, first.Drops[DropReasons.Backlog]);
        Assert.Equal("tun", first.Kind);

        counters.CountDown(50);
        time.Advance(TimeSpan.FromSeconds(10));
        var second = AgentStats.TryParse(await bus.WaitForAsync("fromAgent.agent_1.stats", count: 2))!;
        Assert.Equal(1, second.DownPackets);
        Assert.Equal(10, second.UptimeSeconds);
        for (var i = 0; i < 100 && sink.Lines.Count == 0; i++) await Task.Delay(10);
        Assert.Contains("Stats agent_1: up 1 packets (100 B), down 1 packets (50 B), dropped 1 (backlog 1), reconnects 0, up 10 s", sink.Lines);

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public void Stats_tolerate_missing_fields()
    {
        var stats = AgentStats.TryParse("""{"name": "agent_9"}"""u8)!;
        Assert.Equal("agent_9", stats.Name);
        Assert.Empty(stats.Drops);
        Assert.Null(AgentStats.TryParse("""{"kind": "tun"}"""u8));
    }
}
