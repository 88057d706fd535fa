using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Agent.Core.Drops;
using Agent.Core.Relay;
using Agent.Core.Stats;

namespace Agent.Core.Tests.Drops;

/// <summary>One vocabulary of drop reasons: every reason has one name, and every count reaches the stats and agent status.</summary>
public sealed class DropReasonsTests
{
    public static TheoryData<DropReason> Every => [.. DropReasons.All];

    [Fact]
    public void Every_reason_has_its_own_name()
    {
        var names = DropReasons.All.Select(r => r.Name()).ToList();
        Assert.Equal(Enum.GetValues<DropReason>().Length, names.Count);
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", n));
    }

    [Theory]
    [MemberData(nameof(Every))]
    public void Every_reason_counted_reaches_the_stats_body_the_log_line_and_agent_status(DropReason reason)
    {
        var counters = new TrafficCounters();
        counters.CountDrop(reason);
        counters.CountDrop(reason);

        var stats = AgentStats.Of("agent_1", "tun", [], counters, 0, TimeSpan.FromSeconds(1));
        var body = JsonNode.Parse(stats.ToJson(DateTimeOffset.UnixEpoch))!;
        Assert.Equal(2, body["drops"]![reason.Name()]!.GetValue<long>());
        Assert.Contains($"dropped 2 ({reason.Name()} 2)", counters.ToString());

        var status = new SessionStatus(new FakeTimeProvider());
        Assert.True(status.Observe("fromAgent.agent_1.stats", stats.ToJson(DateTimeOffset.UnixEpoch)));
        Assert.Contains($"2 ({reason.Name()} 2)", status.Render());
    }

    [Fact]
    public void Counts_by_name_hold_only_what_was_counted_in_name_order()
    {
        var counts = new DropCounts();
        counts.Count(DropReason.NotIpPacket);
        counts.Count(DropReason.Backlog);
        counts.Count(DropReason.NotIpPacket);
        Assert.Equal(["backlog", "not-ip-packet"], counts.ByName().Keys);
        Assert.Equal(3, counts.Total);
        Assert.Equal("dropped 3 (backlog 1, not-ip-packet 2)", counts.ToString());
        Assert.Equal("skipped 0", DropReasons.Describe([], "skipped"));
    }
}
