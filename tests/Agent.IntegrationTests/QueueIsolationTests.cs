using System.Net;
using System.Text.Json.Nodes;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Agent.IntegrationTests;

/// <summary>
/// What an agent takes from the broker, read from the broker itself (rabbitmqctl list_queues, list_bindings): queues
/// bound to its own keys only (its own stats too: a second publisher under its name is a name clash, logged and
/// counted), and exclusive to its connection, so that no other client can read them. The keys that are not its
/// name's are there by design: the requests every agent answers, and the others' announcements a TUN agent
/// routes re-routed prefixes by. The router's shared packet queue is the one queue that is not exclusive, by design
/// (its replicas take turns on it).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class QueueIsolationTests(BrokerFixture broker)
{
    private const string Exchange = "amq.topic";

    private sealed record Queue(string Name, bool Exclusive, IReadOnlySet<string> Keys);

    [Fact]
    public async Task A_tun_agent_binds_only_its_own_keys_to_queues_exclusive_to_its_connection()
    {
        var vhost = $"isolation-{Environment.ProcessId}";
        var url = await broker.CreateSessionAsync(vhost);
        await using var ns = await Netns.CreateAsync("agt-iso");
        await using var agent = AgentProcess.Start("agent_3", "tun", "--url", url, "--name", "agent_3", "--netns", ns.Name);
        await agent.WaitForLineAsync("is up");

        string[] expected = ["agents.identify.request", "agents.stats.request", "fromAgent.*.ip.tun.started",
            "fromAgent.agent_3.stats", "toAgent.agent_3.ip.tun.packet.raw", "toAgent.agent_3.ip.tun.start"];
        var queues = await QueuesOnceBoundAsync(vhost, expected);
        Assert.Equal(expected, queues.SelectMany(q => q.Keys).Distinct().Order(StringComparer.Ordinal));
        Assert.All(queues, q => Assert.True(q.Exclusive, $"{q.Name} ({string.Join(", ", q.Keys)}) is not exclusive"));

        // Exclusive means what it says: another connection may not consume from them.
        foreach (var queue in queues)
        {
            var refusal = await Assert.ThrowsAsync<OperationInterruptedException>(() => ConsumeAsync(url, queue.Name));
            Assert.Equal((ushort)405, refusal.ShutdownReason?.ReplyCode); // RESOURCE_LOCKED
        }
        Assert.Equal(0, (await agent.StopAsync()).ExitCode);
    }

    [Fact]
    public async Task The_routers_shared_packet_queue_is_its_only_queue_that_is_not_exclusive()
    {
        var vhost = $"isolation-router-{Environment.ProcessId}";
        var url = await broker.CreateSessionAsync(vhost);
        await using var router = AgentProcess.Start("router", "router", "--url", url);
        await router.WaitForLineAsync("Routing");

        var queues = await QueuesOnceBoundAsync(vhost, ["fromAgent.*.ip.tun.packet.raw", "agents.stats.request"]);
        var shared = Assert.Single(queues, q => !q.Exclusive);
        Assert.Equal("agent.router.packets", shared.Name);
        Assert.Equal(["fromAgent.*.802154.serial.packet.raw", "fromAgent.*.ip.tun.packet.raw"], shared.Keys.Order(StringComparer.Ordinal));

        // What the router costs the broker per packet: no publisher confirm (it never asks what became of a forward),
        // and acks a batch at a time, the end of a burst too: 40 packets (two batches and a rest) leave none unacked.
        await using var agent2 = await BusClient.ConnectAsync(url, "toAgent.agent_2.ip.tun.packet.raw");
        for (ushort i = 1; i <= 40; i++)
            await agent2.PublishAsync("fromAgent.agent_1.ip.tun.packet.raw", PacketBody.Json(
                IcmpPackets.EchoRequestV6(IPAddress.Parse("bbbb::1"), IPAddress.Parse("bbbb::2"), 7, i, new byte[8])));
        await Until(async () => agent2.Received.Count(r => r.Key == "toAgent.agent_2.ip.tun.packet.raw") == 40,
            () => $"the router forwarded {agent2.Received.Count} of 40 packets");
        long unacked = -1;
        await Until(async () => (unacked = await UnackedAsync(vhost, shared.Name)) == 0,
            () => $"the shared queue keeps {unacked} messages unacked after the burst");
        var confirms = await broker.ChannelConfirmsAsync(vhost, "agent router");
        Assert.NotEmpty(confirms);
        Assert.All(confirms, confirm => Assert.False(confirm, "a channel of the router asks for publisher confirms"));
        Assert.Equal(0, (await router.StopAsync()).ExitCode);
    }

    /// <summary>The vhost's queues with their keys on the exchange, once all of <paramref name="keys"/> are bound (subscribing takes a moment after start).</summary>
    private async Task<IReadOnlyList<Queue>> QueuesOnceBoundAsync(string vhost, IReadOnlyCollection<string> keys)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var bindings = JsonNode.Parse(await broker.CtlAsync("list_bindings", "-p", vhost, "source_name", "destination_name", "routing_key", "--formatter", "json"))!
                .AsArray().Where(b => (string?)b!["source_name"] == Exchange)
                .Select(b => (Queue: (string)b!["destination_name"]!, Key: (string)b["routing_key"]!)).ToList();
            if (keys.All(k => bindings.Any(b => b.Key == k)))
            {
                var listed = JsonNode.Parse(await broker.CtlAsync("list_queues", "-p", vhost, "name", "exclusive", "--formatter", "json"))!.AsArray();
                return listed.Select(q => (string)q!["name"]!)
                    .Select(name => new Queue(name, (bool)listed.First(q => (string)q!["name"]! == name)!["exclusive"]!,
                        bindings.Where(b => b.Queue == name).Select(b => b.Key).ToHashSet()))
                    .ToList();
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not all of {string.Join(", ", keys)} bound in {vhost}; bound: {string.Join(", ", bindings)}");
            await Task.Delay(500);
        }
    }

    private async Task<long> UnackedAsync(string vhost, string queue) =>
        (long)JsonNode.Parse(await broker.CtlAsync("list_queues", "-p", vhost, "name", "messages_unacknowledged", "--formatter", "json"))!
            .AsArray().Single(q => (string)q!["name"]! == queue)!["messages_unacknowledged"]!;

    private static async Task Until(Func<Task<bool>> condition, Func<string> failure)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(failure());
            await Task.Delay(200);
        }
    }

    private static async Task ConsumeAsync(string url, string queue)
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(url) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.BasicConsumeAsync(queue, true, new AsyncEventingBasicConsumer(channel));
    }
}
