using System.Net;
using System.Text.Json.Nodes;

namespace Agent.IntegrationTests;

/// <summary>
/// What the bus sees of the original Python agent (v0.2): it announces <c>tun.started</c> once, at start, never publishes
/// stats nor answers anything else, stamps packets in whole seconds, and its host answers pings. Here the host is
/// played in-process: each ICMPv6 echo request to its address on <c>toAgent.&lt;name&gt;.ip.tun.packet.raw</c> gets
/// its reply on <c>fromAgent.&lt;name&gt;.ip.tun.packet.raw</c>.
/// </summary>
public sealed class OriginalAgent : IAsyncDisposable
{
    private readonly BusClient _bus;
    private readonly string _name;
    private readonly IPAddress _address;
    private int _answered;

    private OriginalAgent(BusClient bus, string name, IPAddress address)
    {
        _bus = bus;
        _name = name;
        _address = address;
    }

    /// <summary>Echo requests answered so far.</summary>
    public int Answered => Volatile.Read(ref _answered);

    public static async Task<OriginalAgent> StartAsync(string url, string name, string prefix, string host)
    {
        var bus = await BusClient.ConnectAsync(url, $"toAgent.{name}.ip.tun.packet.raw");
        var agent = new OriginalAgent(bus, name, IPAddress.Parse($"{prefix}::{host}"));
        bus.OnMessage = agent.AnswerAsync;
        // As get_tun_configuration() gives it (PROTOCOL.md 3.2), IPv4 fields as lists.
        await bus.PublishAsync($"fromAgent.{name}.ip.tun.started", $$"""
            {"_api_version": "1.2.15", "ipv6_prefix": "{{prefix}}", "ipv6_host": "{{host}}", "ipv6_no_forwarding": false,
             "ipv4_host": [10, 2, 0, 1], "ipv4_network": [10, 2, 0, 0], "ipv4_netmask": [255, 255, 0, 0],
             "re_route_packets_if": null, "re_route_packets_prefix": null, "re_route_packets_host": null}
            """);
        await bus.PublishAsync("testingtool.component.ready", $$"""{"_api_version": "1.2.15", "component": "{{name}}", "description": "Component READY to start test suite."}""");
        return agent;
    }

    private async Task AnswerAsync(string key, byte[] body)
    {
        var packet = BusClient.DataOf(body);
        if (!IcmpPackets.TryParseEcho(packet, out var echo) || echo.IsReply || !echo.Destination.Equals(_address)) return;
        var reply = IcmpPackets.EchoReplyV6(_address, echo.Source, echo.Identifier, echo.Sequence, echo.Payload);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds(); // whole seconds, as the old library wrote them
        var message = new JsonObject
        {
            ["_api_version"] = "1.2.15",
            ["data"] = new JsonArray(reply.Select(b => (JsonNode)b).ToArray()),
            ["interface_name"] = "tun0",
            ["timestamp"] = timestamp,
        };
        await _bus.PublishAsync($"fromAgent.{_name}.ip.tun.packet.raw", message.ToJsonString());
        Interlocked.Increment(ref _answered);
    }

    public ValueTask DisposeAsync() => _bus.DisposeAsync();
}
