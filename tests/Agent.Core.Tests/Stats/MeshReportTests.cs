using System.Text;
using Microsoft.Extensions.Time.Testing;
using Agent.Core.Protocol;
using Agent.Core.Stats;

namespace Agent.Core.Tests.Stats;

public sealed class MeshReportTests
{
    private const string Root = "14-15-92-cc-00-00-00-01";
    private const string A = "14-15-92-cc-00-00-00-02";
    private const string B = "14-15-92-cc-00-00-00-03";

    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1700000000);

    private static MeshReport Mesh() => new("agent_3", Root, "bbbb::/64",
    [
        new MoteReport(Root, "bbbb::1415:92cc:0:1", [], 0, null),
        new MoteReport(A, "bbbb::1415:92cc:0:2", [Root], 1, 3.5),
        new MoteReport(B, "bbbb::1415:92cc:0:3", [A, Root], 2, 125),
    ], [new("daos", 9), new("reassembled", 4)]);

    [Fact]
    public void It_goes_on_a_key_of_ours_next_to_the_stats()
    {
        Assert.Equal("fromAgent.agent_3.mesh", MeshReport.Key(AgentName.Parse("agent_3")));
        Assert.Equal("fromAgent.*.mesh", MeshReport.AllAgents);
    }

    [Fact]
    public void It_reads_back_what_it_writes()
    {
        var read = MeshReport.TryParse(Mesh().ToJson(Now));

        Assert.NotNull(read);
        Assert.Equal(("agent_3", Root, "bbbb::/64"), (read.Name, read.Root, read.Prefix));
        Assert.Equal(3, read.Motes.Count);
        Assert.Equal(new[] { A, Root }, read.Motes[2].Parents);
        Assert.Equal((2, 125.0), (read.Motes[2].Hops, read.Motes[2].LastDaoSecondsAgo));
        Assert.Null(read.Motes[0].LastDaoSecondsAgo);
        Assert.Equal(2, read.Edges);
        Assert.Equal(new[] { "daos", "reassembled" }, read.Counters.Select(c => c.Key));
        Assert.Equal(4, read.Counters[1].Value);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"name": "agent_3"}""")]
    [InlineData("""{"motes": []}""")]
    [InlineData("""[1, 2]""")]
    public void A_body_that_is_not_a_mesh_is_refused(string body) => Assert.Null(MeshReport.TryParse(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void Odd_motes_are_skipped_and_missing_fields_left_empty()
    {
        var read = MeshReport.TryParse("""{"name": "x", "motes": [7, {"address": "bbbb::2"}, {"eui64": "m1", "parents": "no"}], "counters": {"a": "b", "c": 2}}"""u8);

        var mote = Assert.Single(read!.Motes);
        Assert.Equal("m1", mote.Eui64);
        Assert.Empty(mote.Parents);
        Assert.Null(mote.Hops);
        Assert.Equal("c", Assert.Single(read.Counters).Key);
    }

    [Fact]
    public void Status_keeps_the_last_mesh_of_each_agent_and_prints_it_as_a_tree_after_the_router()
    {
        var status = new SessionStatus(new FakeTimeProvider(Now));
        Assert.True(status.Observe("fromAgent.agent_3.mesh", Mesh().ToJson(Now)));
        Assert.False(status.Observe("fromAgent.agent_3.mesh", "{}"u8));

        Assert.Equal("agent_3", Assert.Single(status.Meshes).Name);
        var lines = status.Render().Split('\n');
        var header = Array.FindIndex(lines, l => l.StartsWith("Mesh of agent_3 (3 motes, 2 edges, root 14-15-92-cc-00-00-00-01): daos 9, reassembled 4", StringComparison.Ordinal));
        Assert.True(header > Array.FindIndex(lines, l => l.StartsWith("No router seen", StringComparison.Ordinal)), string.Join('\n', lines));
        Assert.Equal($"  {Root}  bbbb::1415:92cc:0:1  root", lines[header + 1]);
        Assert.Equal($"  {A}  bbbb::1415:92cc:0:2  1 hop  parent {Root}  DAO 3s ago", lines[header + 2]);
        Assert.Equal($"  {B}  bbbb::1415:92cc:0:3  2 hops  parent {A}, {Root}  DAO 2m05s ago", lines[header + 3]);
    }
}
