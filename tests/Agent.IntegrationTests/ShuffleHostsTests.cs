using System.Text.RegularExpressions;

namespace Agent.IntegrationTests;

/// <summary>
/// A URL list is tried in the order given, and with <c>--shuffle-hosts</c> in a random order on every connect, so that
/// many clients spread over a cluster's nodes. One real node named three ways (localhost, 127.0.0.1, 127.0.0.2) stands
/// for three nodes: the connected line names the one taken, and no node has to be up or down for it.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ShuffleHostsTests(BrokerFixture broker)
{
    [Fact]
    public async Task With_shuffle_hosts_clients_take_either_node_and_without_it_always_the_first()
    {
        var list = string.Join(',', new[] { "localhost", "127.0.0.1", "127.0.0.2" }.Select(host => $"amqp://guest:guest@{host}:{broker.Port}/"));

        // Twelve clients all on one node by chance: one run in 177,147.
        var shuffled = new List<string>();
        for (var round = 0; round < 3; round++)
            shuffled.AddRange(await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ConnectedHostAsync(list, "--shuffle-hosts"))));
        Assert.True(shuffled.Distinct().Count() >= 2, $"all twelve took {shuffled[0]}");

        var inOrder = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ConnectedHostAsync(list)));
        Assert.All(inOrder, host => Assert.Equal("localhost", host));
    }

    /// <summary>Runs <c>agent status</c> on the list and returns the host of the node it says it connected to.</summary>
    private static async Task<string> ConnectedHostAsync(string list, params string[] options)
    {
        await using var status = AgentProcess.Start("status", ["status", "--wait", "0.1", "-v", .. options],
            new Dictionary<string, string> { ["AMQP_URL"] = list });
        var exit = await status.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, status.Output);
        var connected = Assert.Single(status.Lines, l => l.Contains("Connected to "));
        return Regex.Match(connected, @"Connected to amqp://guest:\*\*\*@([^:/]+):").Groups[1].Value;
    }
}
