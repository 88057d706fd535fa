using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Agent.IntegrationTests;

/// <summary>
/// A session on a real three-node cluster (issue 14): agents and router replicas spread over the nodes, the node that
/// leads the shared quorum queue killed, then the node an agent is on, with pings running through both; and a URL
/// list whose first node is down. One cluster for the class: its start is the slow part.
/// </summary>
public sealed partial class ClusterTests(ClusterFixture cluster, ITestOutputHelper output) : IClassFixture<ClusterFixture>
{
    private const string Queue = "agent.router.packets";

    /// <summary>The URLs of the nodes, in this order.</summary>
    private string[] Urls(params int[] nodes) => [.. nodes.SelectMany(n => new[] { "--url", cluster.UrlOf(n) })];

    [Fact]
    public async Task A_url_list_whose_first_node_is_down_starts_on_the_next_at_once()
    {
        var down = new TestPorts().Next(); // nothing listens there: a node that is down refuses the connection
        var list = $"amqp://guest:guest@localhost:{down}/,{cluster.UrlOf(1)},{cluster.UrlOf(2)}";
        await using var router = AgentProcess.Start("router", ["router", "--queue", "first-down.packets", "--queue-type", "classic"],
            new Dictionary<string, string> { ["AMQP_URL"] = list });
        await router.WaitForLineAsync("Routing");

        Assert.Contains(router.Lines, l => l.Contains($"Connected to amqp://guest:***@localhost:{cluster.Ports[1]}/"));
        Assert.DoesNotContain(router.Lines, l => l.Contains("unreachable")); // no retry, no backoff: the second node at once
        Assert.DoesNotContain(router.Lines, l => l.Contains("guest:guest"));
    }

    [Fact]
    public async Task A_replica_that_finds_the_shared_queue_declared_the_other_way_stops_with_one_line()
    {
        string[] queue = ["--queue", "mismatch.packets"];
        await using var quorum = AgentProcess.Start("quorum replica", ["router", .. queue, .. Urls(0, 1)], new Dictionary<string, string>());
        await quorum.WaitForLineAsync("quorum queue mismatch.packets");
        await using var classic = AgentProcess.Start("classic replica", ["router", .. queue, "--queue-type", "classic", .. Urls(1)],
            new Dictionary<string, string>());

        Assert.Equal(1, await classic.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var line = Assert.Single(classic.Lines, l => l.StartsWith("stderr: "));
        Assert.Contains("the shared queue mismatch.packets exists already, not as the classic queue asked for", line);
        Assert.Contains("give every replica the same --queue-type", line);
        Assert.False(quorum.HasExited);
    }

    [Fact]
    public async Task Pings_cross_a_cluster_and_resume_within_5_s_after_the_quorum_leader_and_then_an_agents_node_are_killed()
    {
        await using var ns1 = await Netns.CreateAsync("clu-a1");
        await using var ns2 = await Netns.CreateAsync("clu-a2");
        // Replica A declares the packet queue first, on node 0: its leader starts there.
        await using var replicaA = AgentProcess.Start("router A", ["router", .. Urls(0, 1, 2)], new Dictionary<string, string>());
        await replicaA.WaitForLineAsync("Routing");
        await using var replicaB = AgentProcess.Start("router B", ["router", .. Urls(1, 2, 0)], new Dictionary<string, string>());
        await using var agent1 = AgentProcess.Start("agent_1", ["tun", "--name", "agent_1", "--netns", ns1.Name, .. Urls(2, 0, 1)],
            new Dictionary<string, string>());
        await using var agent2 = AgentProcess.Start("agent_2", ["tun", "--name", "agent_2", "--netns", ns2.Name, .. Urls(1, 2, 0)],
            new Dictionary<string, string>());
        AgentProcess[] all = [replicaA, replicaB, agent1, agent2];
        foreach (var replica in new[] { replicaA, replicaB })
        {
            await replica.WaitForLineAsync("quorum queue agent.router.packets");
            await replica.WaitForLineAsync("agent_1 owns bbbb::1");
            await replica.WaitForLineAsync("agent_2 owns bbbb::2");
        }
        Assert.Equal([0, 1, 2, 1], all.Select(NodeOf));

        // 1. The quorum queue's leader goes. It is revived at once, during the pings: a second kill must leave a majority.
        var (leader, _) = await cluster.QuorumAsync(1, Queue);
        Task? reviving = null;
        var first = await PingThroughKillAsync(ns1, leader, () => reviving = cluster.ReviveAsync(leader));
        AssertResumed(first, $"the quorum leader's node ({leader})");
        await reviving!;
        await WaitForAllMembersAsync(via: (leader + 1) % ClusterFixture.Size);

        // 2. The node agent_1 is on now goes.
        var agentNode = NodeOf(agent1);
        Assert.NotEqual(-1, agentNode);
        var second = await PingThroughKillAsync(ns1, agentNode);
        AssertResumed(second, $"agent_1's node ({agentNode})");
        Assert.NotEqual(agentNode, NodeOf(agent1));

        Assert.All(all, p => Assert.False(p.HasExited, $"{p.Label} exited:\n{p.Output}"));
        foreach (var process in all) Assert.Equal(0, (await process.StopAsync(TimeSpan.FromSeconds(20))).ExitCode);
        Assert.Contains(agent1.Lines, l => l.Contains("Reconnected to"));
        // What the gap cost is counted: agent_1 could not publish while it had no node.
        var dropped = agent1.Totals().Dropped;
        output.WriteLine($"agent_1 dropped {dropped}: {agent1.Lines.LastOrDefault(l => l.Contains("dropped"))}");
        foreach (var replica in new[] { replicaA, replicaB })
            output.WriteLine($"{replica.Label}: {replica.Lines.LastOrDefault(l => l.Contains("from agent_1: received"))}");
        Assert.True(second.Lost == 0 || dropped > 0, $"{second.Lost} pings lost, agent_1 counted no drop:\n{agent1.Output}");
    }

    private sealed record PingRun(double KilledAt, IReadOnlyList<double> Replies, int Sent, bool Duplicates, string Output)
    {
        public int Lost => Sent - Replies.Count;

        /// <summary>The longest time between two replies, in seconds.</summary>
        public double LongestGap => Replies.Zip(Replies.Skip(1), (a, b) => b - a).DefaultIfEmpty(0).Max();
    }

    /// <summary>
    /// Pings bbbb::2 every 50 ms for 8 s from agent_1's namespace and kills node <paramref name="node"/> 2 s in, then
    /// runs <paramref name="afterKill"/>.
    /// </summary>
    private async Task<PingRun> PingThroughKillAsync(Netns ns, int node, Action? afterKill = null)
    {
        var pinging = ns.ExecAsync(TimeSpan.FromSeconds(60), "ping", "-6", "-D", "-c", "160", "-i", "0.05", "-W", "2", "bbbb::2");
        await Task.Delay(2000);
        var killedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        cluster.Kill(node);
        afterKill?.Invoke();
        var result = await pinging;
        var replies = ReplyLine().Matches(result.StandardOutput)
            .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        var sent = int.Parse(Regex.Match(result.StandardOutput, @"(\d+) packets transmitted").Groups[1].Value);
        return new PingRun(killedAt, replies, sent, result.StandardOutput.Contains("DUP!"), result.ToString());
    }

    private void AssertResumed(PingRun run, string what)
    {
        var lastBefore = run.Replies.LastOrDefault(t => t < run.KilledAt);
        output.WriteLine($"killed {what}: {run.Sent} sent, {run.Lost} lost, longest gap {run.LongestGap:0.00} s, " +
            $"last reply {run.KilledAt - lastBefore:0.00} s before the kill, duplicates: {run.Duplicates}");
        Assert.False(run.Duplicates, $"a duplicate reply after killing {what}:\n{run.Output}");
        Assert.Contains(run.Replies, t => t < run.KilledAt); // the pings crossed before
        Assert.True(run.LongestGap < 5, $"pings stopped for {run.LongestGap:0.0} s after killing {what}:\n{run.Output}");
        Assert.Contains(run.Replies, t => t > run.KilledAt + 5); // and they go on after the gap
    }

    /// <summary>Until the revived node's member of the quorum queue is back: then a second kill leaves a majority.</summary>
    private async Task WaitForAllMembersAsync(int via)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await cluster.QuorumAsync(via, Queue)).Online < ClusterFixture.Size)
        {
            Assert.True(DateTime.UtcNow < deadline, "the revived node's queue member did not come back within 60 s");
            await Task.Delay(500);
        }
    }

    /// <summary>The node the process is connected to now, from its last "Connected to" or "Reconnected to" line.</summary>
    private int NodeOf(AgentProcess process)
    {
        var line = process.Lines.LastOrDefault(l => l.Contains("onnected to amqp://"));
        var port = line is null ? null : Regex.Match(line, @"onnected to amqp://[^@]+@localhost:(\d+)/") is { Success: true } m ? m.Groups[1].Value : null;
        return port is null ? -1 : cluster.IndexOfPort(int.Parse(port));
    }

    [GeneratedRegex(@"^\[(\d+\.\d+)\] \d+ bytes from", RegexOptions.Multiline)]
    private static partial Regex ReplyLine();
}
