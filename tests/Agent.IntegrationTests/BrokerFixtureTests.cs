using System.Text;
using RabbitMQ.Client;

namespace Agent.IntegrationTests;

[Collection(SystemCollection.Name)]
public sealed class BrokerFixtureTests(BrokerFixture broker)
{
    [Fact]
    public async Task A_session_vhost_carries_a_topic_message_round_trip()
    {
        var vhost = $"fixture-selftest-{Environment.ProcessId}";
        var url = await broker.CreateSessionAsync(vhost);
        try
        {
            Assert.Equal($"amqp://guest:guest@localhost:{broker.Port}/{vhost}", url);
            var factory = new ConnectionFactory { Uri = new Uri(url) };
            await using var connection = await factory.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            var queue = await channel.QueueDeclareAsync(); // server-named, exclusive, auto-delete
            await channel.QueueBindAsync(queue.QueueName, "amq.topic", "test.#");

            var body = Encoding.UTF8.GetBytes("{\"hello\":\"broker\"}");
            await channel.BasicPublishAsync("amq.topic", "test.fixture.roundtrip", body);

            BasicGetResult? got = null;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (got is null && DateTime.UtcNow < deadline)
            {
                got = await channel.BasicGetAsync(queue.QueueName, autoAck: true);
                if (got is null)
                    await Task.Delay(20);
            }

            Assert.NotNull(got);
            Assert.Equal("test.fixture.roundtrip", got.RoutingKey);
            Assert.Equal(body, got.Body.ToArray());
            await channel.CloseAsync();
            await connection.CloseAsync();
        }
        finally
        {
            await broker.DeleteSessionAsync(vhost);
        }
    }
}
