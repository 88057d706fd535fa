using Microsoft.Extensions.Time.Testing;
using Agent.Core.Protocol;
using Agent.Core.Stats;
using Agent.Testing;
using Agent.Core.Drops;
using Agent.Core.Relay;

namespace Agent.Core.Tests.Stats;

public sealed class StatsPublisherTests
{
    private const string Key = "fromAgent.agent_1.stats";

    [Fact]
    public async Task Stats_go_out_at_start_and_every_interval_with_the_counters_and_a_summary_line()
    {
        var bus = new FakeBus();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1700000000));
        var counters = new TrafficCounters();
        counters.CountUp(100);
        counters.CountDrop(DropReason.Backlog);
        var (log, sink) = CollectingSink.Logger();
        var publisher = new StatsPublisher(AgentName.Parse("agent_1"), "tun", () => ["bbbb::1/64"], counters, bus, TimeSpan.FromSeconds(10), log, time);
        using var stop = new CancellationTokenSource();
        var run = publisher.RunAsync(stop.Token);

        var first = AgentStats.TryParse(await bus.WaitForAsync(Key))!;
        Assert.Equal(new[] { "bbbb::1/64" }, first.Addresses);
        Assert.Equal(1, first.UpPackets);
        Assert.Equal(100, first.UpBytes);
        Assert.Equal(1, first.Drops[DropReason.Backlog.Name()]);
        Assert.Equal("tun", first.Kind);

        counters.CountDown(50);
        time.Advance(TimeSpan.FromSeconds(10));
        var second = AgentStats.TryParse(await bus.WaitForAsync(Key, count: 2))!;
        Assert.Equal(1, second.DownPackets);
        Assert.Equal(10, second.UptimeSeconds);
        await Eventually.TrueAsync(() => sink.Lines.Count > 0);
        Assert.Contains("Stats agent_1: up 1 packets (100 B), down 1 packets (50 B), dropped 1 (backlog 1), reconnects 0, up 10 s", sink.Lines);

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_stats_request_is_answered_at_once_on_the_usual_key_without_a_log_line()
    {
        var bus = new FakeBus();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1700000000));
        var counters = new TrafficCounters();
        var (log, sink) = CollectingSink.Logger();
        // A long interval: only the request can bring a second message within the test.
        var publisher = new StatsPublisher(AgentName.Parse("agent_1"), "tun", () => ["bbbb::1/64"], counters, bus, TimeSpan.FromSeconds(60), log, time);
        using var stop = new CancellationTokenSource();
        var run = publisher.RunAsync(stop.Token);
        await bus.WaitForAsync(Key);
        Assert.Contains(StatsKeys.Request, bus.BoundKeys);

        counters.CountUp(64);
        time.Advance(TimeSpan.FromSeconds(3));
        await bus.DeliverAsync(StatsKeys.Request, StatsKeys.RequestBody("test"));
        var answer = AgentStats.TryParse(await bus.WaitForAsync(Key, count: 2))!;
        Assert.Equal(1, answer.UpPackets);
        Assert.Equal(64, answer.UpBytes);
        Assert.Equal(3, answer.UptimeSeconds);
        Assert.Equal(2, bus.Published.Count);
        Assert.DoesNotContain(sink.Lines, l => l.StartsWith("Stats", StringComparison.Ordinal));

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_burst_of_requests_gets_one_more_answer_after_the_gap_not_one_each()
    {
        var bus = new FakeBus();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1700000000));
        var (log, _) = CollectingSink.Logger();
        var publisher = new StatsPublisher(AgentName.Parse("agent_1"), "tun", () => [], new TrafficCounters(), bus, TimeSpan.FromSeconds(60), log, time);
        using var stop = new CancellationTokenSource();
        var run = publisher.RunAsync(stop.Token);
        await bus.WaitForAsync(Key);
        await bus.DeliverAsync(StatsKeys.Request, StatsKeys.RequestBody("watcher 1"));
        await bus.WaitForAsync(Key, count: 2);

        for (var i = 0; i < 5; i++) await bus.DeliverAsync(StatsKeys.Request, StatsKeys.RequestBody($"watcher {i + 2}"));
        await AdvanceUntilAsync(time, () => bus.BodiesOn(Key).Count >= 3);
        await AdvanceAsync(time, steps: 20); // 1 s more (well under the 60 s interval): nothing else
        Assert.Equal(3, bus.BodiesOn(Key).Count);

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task With_a_zero_interval_only_the_first_message_and_the_answers_go_out()
    {
        var bus = new FakeBus();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1700000000));
        var (log, sink) = CollectingSink.Logger();
        var publisher = new StatsPublisher(AgentName.Parse("agent_1"), "serial", () => ["/dev/ttyUSB0"], new TrafficCounters(), bus, TimeSpan.Zero, log, time);
        using var stop = new CancellationTokenSource();
        var run = publisher.RunAsync(stop.Token);
        await bus.WaitForAsync(Key);
        time.Advance(TimeSpan.FromHours(1));
        await Task.Delay(50);
        Assert.Single(bus.BodiesOn(Key));

        await bus.DeliverAsync(StatsKeys.Request, StatsKeys.RequestBody("test"));
        Assert.Equal("serial", AgentStats.TryParse(await bus.WaitForAsync(Key, count: 2))!.Kind);
        Assert.Empty(sink.Lines);

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_request_after_the_publisher_stopped_is_not_answered()
    {
        var bus = new FakeBus();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1700000000));
        var (log, _) = CollectingSink.Logger();
        var publisher = new StatsPublisher(AgentName.Parse("agent_1"), "tun", () => [], new TrafficCounters(), bus, TimeSpan.FromSeconds(10), log, time);
        using var stop = new CancellationTokenSource();
        var run = publisher.RunAsync(stop.Token);
        await bus.WaitForAsync(Key);
        await stop.CancelAsync();
        await run;

        await bus.DeliverAsync(StatsKeys.Request, StatsKeys.RequestBody("late"));
        await Task.Delay(50);
        Assert.Single(bus.BodiesOn(Key));
    }

    [Fact]
    public void Stats_tolerate_missing_fields()
    {
        var stats = AgentStats.TryParse("""{"name": "agent_9"}"""u8)!;
        Assert.Equal("agent_9", stats.Name);
        Assert.Empty(stats.Drops);
        Assert.Null(AgentStats.TryParse("""{"kind": "tun"}"""u8));
    }

    /// <summary>
    /// Advances fake time in 50 ms steps (at most <paramref name="steps"/>), letting the publisher's continuations run,
    /// until the condition holds; then gives a busy machine's continuations real time, without moving the clock further.
    /// </summary>
    internal static async Task AdvanceUntilAsync(FakeTimeProvider time, Func<bool> done, int steps = 100)
    {
        for (var i = 0; i < steps && !done(); i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(10);
        }
        await Eventually.TrueAsync(done);
    }

    /// <summary>Advances fake time in <paramref name="steps"/> steps of 50 ms, letting the publisher's continuations run.</summary>
    internal static async Task AdvanceAsync(FakeTimeProvider time, int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task An_agent_with_a_mesh_publishes_it_after_each_stats_message_on_its_mesh_key()
    {
        var bus = new FakeBus();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1700000000));
        var (log, _) = CollectingSink.Logger();
        var motes = 1;
        var publisher = new StatsPublisher(AgentName.Parse("agent_1"), "serial", () => [], new TrafficCounters(), bus, TimeSpan.FromSeconds(10), log, time,
            mesh: () => new MeshReport("agent_1", "r", "bbbb::/64", Enumerable.Range(0, motes).Select(i => new MoteReport($"m{i}", "", [], null, null)).ToList(), []));
        using var stop = new CancellationTokenSource();
        var run = publisher.RunAsync(stop.Token);

        Assert.Single(MeshReport.TryParse(await bus.WaitForAsync("fromAgent.agent_1.mesh"))!.Motes);
        motes = 4;
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(4, MeshReport.TryParse(await bus.WaitForAsync("fromAgent.agent_1.mesh", count: 2))!.Motes.Count);

        await stop.CancelAsync();
        await run;
    }
}
