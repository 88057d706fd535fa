using System.Net;
using System.Text;
using Xunit.Abstractions;

namespace Agent.IntegrationTests;

/// <summary>
/// Bad input does not grow an agent (issue 11: bounded buffers, at most 60 MB under any load or bad input): a flood of
/// junk bodies, 2 MB bodies one at a time and then a flood of them on its downlink are dropped, each counted, and its
/// memory stays bounded. The Native AOT agent peaks at 44-54 MB through all of it (README, Benchmarks); the bounds here
/// are for the JIT build the tests run, whose code for the drop paths is part of what grows.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class MemoryBoundsTests(BrokerFixture broker, ITestOutputHelper output)
{
    /// <summary>What the junk may add to the agent's peak RSS: with the JIT, its code for the drop paths (13-15 MB), a few buffers.</summary>
    private const long JunkGrowthKb = 24 * 1024;

    /// <summary>
    /// What twenty 2 MB bodies, one at a time, may add after that: 4-10 MB measured (the client library's buffer for a
    /// body; the agent refuses it unread). Reading each whole, as the agent did, took the Native AOT build 19 MB up (9-11 now).
    /// </summary>
    private const long HugeGrowthKb = 16 * 1024;

    /// <summary>
    /// What forty more sent back to back may add: 6-17 MB measured (the bodies the client library holds until the agent has
    /// dropped them). While the agent read each, they piled up: 38 MB in the Native AOT build.
    /// </summary>
    private const long FloodGrowthKb = 24 * 1024;

    private static readonly string[] Junk =
    [
        "not json at all",
        """{"data": "a string"}""",
        """{"data": [1, 2, 300]}""",
        """{"interface_name": "tun0"}""",
        """{"data": [96, 0, 0, 0]}""", // too short for an IPv6 header
        """[1, 2, 3]""",
    ];

    [Fact]
    public async Task Floods_of_junk_and_of_2_MB_bodies_are_dropped_counted_and_leave_the_agent_small()
    {
        var url = await broker.CreateSessionAsync($"membound-{Environment.ProcessId}");
        await using var ns = await Netns.CreateAsync("agt-mem");
        await using var backend = await BusClient.ConnectAsync(url, "fromAgent.agent_1.ip.tun.packet.raw");
        await using var agent = AgentProcess.Start("agent_1", "tun", "--url", url, "--name", "agent_1", "--netns", ns.Name);
        await agent.WaitForLineAsync(@"Interface tun\d+ is up");
        var address = IPAddress.Parse("bbbb::1");
        await AgentLifecycleTests.AssertEchoThroughAsync(backend, "agent_1", address, 1);
        var before = Kb(agent.Pid, "VmRSS");

        const string Down = "toAgent.agent_1.ip.tun.packet.raw";
        var junk = Junk.Select(Encoding.UTF8.GetBytes).ToArray();
        const int JunkCount = 12_000;
        for (var i = 0; i < JunkCount; i++) await backend.PublishAsync(Down, junk[i % junk.Length]);
        // The downlink keeps its order: once an echo is through, every body before it was handled.
        await AgentLifecycleTests.AssertEchoThroughAsync(backend, "agent_1", address, 2);
        var afterJunk = Kb(agent.Pid, "VmHWM");
        // A million zero bytes (2 MB of JSON), far longer than any packet; one at a time, each followed by an echo: what
        // is measured is what handling one costs the agent, not how many the client library takes in at once.
        var huge = Encoding.ASCII.GetBytes("{\"data\": [" + string.Join(',', Enumerable.Repeat("0", 1_000_000)) + "]}");
        const int HugeCount = 20;
        for (var i = 0; i < HugeCount; i++)
        {
            await backend.PublishAsync(Down, huge);
            await AgentLifecycleTests.AssertEchoThroughAsync(backend, "agent_1", address, (ushort)(3 + i));
        }
        var afterHuge = Kb(agent.Pid, "VmHWM");
        // And as fast as the broker takes them.
        const int FloodCount = 40;
        for (var i = 0; i < FloodCount; i++) await backend.PublishAsync(Down, huge);
        await AgentLifecycleTests.AssertEchoThroughAsync(backend, "agent_1", address, 3 + HugeCount);

        var peak = Kb(agent.Pid, "VmHWM");
        var after = Kb(agent.Pid, "VmRSS");
        output.WriteLine($"agent_1 RSS before {before / 1024} MB; peak after the junk {afterJunk / 1024} MB, after the 2 MB bodies " +
            $"{afterHuge / 1024} MB, after their flood {peak / 1024} MB; RSS at the end {after / 1024} MB");
        Assert.True(afterJunk - before <= JunkGrowthKb,
            $"the junk grew agent_1 from {before / 1024} MB to a peak of {afterJunk / 1024} MB (bound: +{JunkGrowthKb / 1024} MB)");
        Assert.True(afterHuge - afterJunk <= HugeGrowthKb,
            $"the 2 MB bodies grew agent_1 from {afterJunk / 1024} MB to a peak of {afterHuge / 1024} MB (bound: +{HugeGrowthKb / 1024} MB)");
        Assert.True(peak - afterHuge <= FloodGrowthKb,
            $"the flood of 2 MB bodies grew agent_1 from {afterHuge / 1024} MB to a peak of {peak / 1024} MB (bound: +{FloodGrowthKb / 1024} MB)");

        var (exit, _) = await agent.StopAsync();
        Assert.Equal(0, exit);
        var totals = agent.Totals();
        Assert.Equal(JunkCount + HugeCount + FloodCount, totals.Dropped);
        Assert.Equal(3 + HugeCount, totals.Down); // the echo requests
    }

    /// <summary>A <c>/proc/PID/status</c> figure in kB.</summary>
    private static long Kb(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0]);
    }
}
