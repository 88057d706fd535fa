using Microsoft.Extensions.Time.Testing;
using Agent.Core.Stats;

namespace Agent.Dashboard.Tests;

public sealed class RateHistoryTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1700000000));

    private static AgentStatus Agent(long up, long down, double uptime) =>
        new("agent_1", "tun", [], DateTimeOffset.UnixEpoch, new AgentStats("agent_1", "tun", [], up, 0, down, 0, new Dictionary<string, long>(), 0, uptime));

    [Fact]
    public void Each_new_stats_message_gives_a_point_of_packets_per_second_over_the_agents_own_uptime()
    {
        var rates = new RateHistory(TimeSpan.FromMinutes(5), _time);
        rates.Sample([Agent(10, 10, 100)]);
        Assert.Empty(rates.Of("agent_1")); // a first message is where the line starts

        rates.Sample([Agent(20, 20, 102)]);
        rates.Sample([Agent(20, 20, 102)]); // the same message again: no point
        rates.Sample([Agent(20, 23, 103)]);

        Assert.Equal(new[] { 10.0, 3.0 }, rates.Of("agent_1"));
        Assert.Empty(rates.Of("agent_2"));
    }

    [Fact]
    public void A_restarted_agent_starts_again_and_old_points_fall_out_of_the_window()
    {
        var rates = new RateHistory(TimeSpan.FromMinutes(1), _time);
        rates.Sample([Agent(0, 0, 10)]);
        rates.Sample([Agent(5, 5, 11)]);
        rates.Sample([Agent(1, 0, 1)]); // restarted: uptime went back
        rates.Sample([Agent(3, 0, 2)]);
        Assert.Equal(new[] { 10.0, 2.0 }, rates.Of("agent_1"));

        _time.Advance(TimeSpan.FromMinutes(2));
        rates.Sample([Agent(4, 0, 3)]);
        Assert.Equal(new[] { 1.0 }, rates.Of("agent_1"));
    }

    [Fact]
    public void An_agent_without_stats_has_no_line()
    {
        var rates = new RateHistory(TimeSpan.FromMinutes(1), _time);
        rates.Sample([new AgentStatus("agent_9", "tun", ["bbbb::9"], _time.GetUtcNow())]);
        rates.Sample([new AgentStatus("agent_9", "tun", ["bbbb::9"], _time.GetUtcNow())]);
        Assert.Empty(rates.Of("agent_9"));
    }
}
