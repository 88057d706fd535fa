using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Agent.IntegrationTests;

/// <summary>A plain RabbitMQ client, as the ioppytest backend is one: publishes bodies and collects what arrives on its keys.</summary>
public sealed class BusClient : IAsyncDisposable
{
    /// <summary>Generous: a busy machine may take seconds for what takes milliseconds here.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly ConcurrentQueue<(string Key, byte[] Body)> _received = new();
    private readonly ConcurrentQueue<(string Key, string? CorrelationId, byte[] Body)> _replies = new();
    private readonly ConcurrentQueue<(string Key, string? ContentType, string? ContentEncoding)> _properties = new();

    private BusClient(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public static async Task<BusClient> ConnectAsync(string url, params string[] bindingKeys)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(url) }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var client = new BusClient(connection, channel);
        var queue = await channel.QueueDeclareAsync("", false, true, true);
        foreach (var key in bindingKeys) await channel.QueueBindAsync(queue.QueueName, "amq.topic", key);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, e) =>
        {
            var body = e.Body.ToArray();
            client._received.Enqueue((e.RoutingKey, body));
            client._replies.Enqueue((e.RoutingKey, e.BasicProperties.CorrelationId, body));
            client._properties.Enqueue((e.RoutingKey, e.BasicProperties.ContentType, e.BasicProperties.ContentEncoding));
            return client.OnMessage?.Invoke(e.RoutingKey, body) ?? Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, true, consumer);
        return client;
    }

    /// <summary>Called for every message as it arrives (a fake agent answers from here).</summary>
    public Func<string, byte[], Task>? OnMessage { get; set; }

    public IReadOnlyList<(string Key, byte[] Body)> Received => _received.ToList();

    /// <summary>The content type and encoding each message came with.</summary>
    public IReadOnlyList<(string Key, string? ContentType, string? ContentEncoding)> Properties => _properties.ToList();

    public async Task PublishAsync(string routingKey, string json) =>
        await PublishAsync(routingKey, Encoding.UTF8.GetBytes(json));

    public async Task PublishAsync(string routingKey, byte[] body) =>
        await _channel.BasicPublishAsync("amq.topic", routingKey, false, new BasicProperties { ContentType = "application/json" }, body);

    /// <summary>Publishes a request as the ioppytest backend does: JSON with a correlation id for the reply.</summary>
    public async Task PublishAsync(string routingKey, string json, string correlationId) =>
        await _channel.BasicPublishAsync("amq.topic", routingKey, false,
            new BasicProperties { ContentType = "application/json", CorrelationId = correlationId }, Encoding.UTF8.GetBytes(json));

    /// <summary>Waits for the reply on <paramref name="routingKey"/> that carries <paramref name="correlationId"/>.</summary>
    public async Task<byte[]> WaitForReplyAsync(string routingKey, string correlationId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var (key, correlation, body) in _replies)
                if (key == routingKey && correlation == correlationId) return body;
            await Task.Delay(20);
        }
        throw new TimeoutException($"no reply on {routingKey} with correlation id {correlationId}; got: {string.Join(", ", _replies.Select(r => $"{r.Key} ({r.CorrelationId})"))}");
    }

    public static string PacketJson(byte[] data) =>
        $$"""{"_api_version": "1.2.15", "data": [{{string.Join(", ", data)}}], "interface_name": "tun0", "timestamp": 1}""";

    public static byte[] DataOf(byte[] body) =>
        JsonNode.Parse(body)!["data"]!.AsArray().Select(n => (byte)n!.GetValue<int>()).ToArray();

    /// <summary>Waits for a message on <paramref name="routingKey"/> whose body satisfies <paramref name="accept"/>.</summary>
    public async Task<byte[]> WaitForAsync(string routingKey, Func<byte[], bool>? accept = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var (key, body) in _received)
                if (key == routingKey && (accept?.Invoke(body) ?? true)) return body;
            await Task.Delay(20);
        }
        throw new TimeoutException($"nothing matching on {routingKey}; got: {string.Join(", ", _received.Select(r => r.Key))}");
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.CloseAsync();
        _connection.Dispose();
    }
}
