using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Agent.Core.Protocol;
using Agent.Core.Relay;
using Agent.Core.Routing;
using Agent.Testing;

namespace Agent.Core.Tests.Routing;

public sealed class PacketRouterTests : IAsyncLifetime
{
    private readonly FakeBus _bus = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1700000000));
    private readonly CancellationTokenSource _stop = new();
    private PacketRouter _router = null!;
    private Task _run = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        var (log, _) = CollectingSink.Logger();
        _router = new PacketRouter(_bus, new RouterOptions([AgentName.Parse("agent_1"), AgentName.Parse("agent_2")], RoutingMode.Hub), log, new PacketLog(log, _time), _time);
        _run = _router.RunAsync(_stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
    }

    private static byte[] PacketBody(string extra = "") => Encoding.UTF8.GetBytes(
        $$"""{"_api_version": "1.2.15", "data": [{{string.Join(", ", SamplePackets.EchoRequestV6)}}], "interface_name": "tun0", "timestamp": 1.5, "data_slip": [1]{{extra}}}""");

    [Fact]
    public void It_says_ready_as_packetrouting() =>
        Assert.Equal("packetrouting", JsonNode.Parse(_bus.BodiesOn(Topics.ComponentReady)[0])!["component"]!.GetValue<string>());

    [Fact]
    public async Task A_packet_goes_to_every_other_agent_and_agent_TT_with_only_data_name_and_a_fresh_integer_timestamp()
    {
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", PacketBody(""", "source": "x" """));
        Assert.Empty(_bus.BodiesOn("toAgent.agent_1.ip.tun.packet.raw"));
        foreach (var to in new[] { "agent_2", "agent_TT" })
        {
            var body = JsonNode.Parse(_bus.BodiesOn($"toAgent.{to}.ip.tun.packet.raw").Single())!.AsObject();
            Assert.Equal(["_api_version", "data", "interface_name", "timestamp"], body.Select(p => p.Key));
            Assert.Equal("1700000000", body["timestamp"]!.ToJsonString());
            Assert.Equal("tun0", body["interface_name"]!.GetValue<string>());
            Assert.Equal(SamplePackets.EchoRequestV6.Length, body["data"]!.AsArray().Count);
        }
        Assert.Equal(1, _router.Counters.Received("agent_1"));
        Assert.Equal(1, _router.Counters.Forwarded("agent_1", "agent_2"));
    }

    [Fact]
    public async Task Agents_are_learned_from_anything_they_publish_but_not_from_component_ready()
    {
        await _bus.DeliverAsync(Topics.ComponentReady, Encoding.UTF8.GetBytes("""{"component": "agent_9"}"""));
        await _bus.DeliverAsync("fromAgent.agent_3.ip.tun.started", Encoding.UTF8.GetBytes("{}"));
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", PacketBody());
        Assert.Single(_bus.BodiesOn("toAgent.agent_3.ip.tun.packet.raw"));
        Assert.Empty(_bus.BodiesOn("toAgent.agent_9.ip.tun.packet.raw"));
        Assert.Empty(_bus.BodiesOn("toAgent.agent_3.ip.tun.started"));
    }

    [Fact]
    public async Task Serial_frames_are_forwarded_on_their_own_topic()
    {
        await _bus.DeliverAsync("fromAgent.agent_2.802154.serial.packet.raw", PacketBody());
        Assert.Single(_bus.BodiesOn("toAgent.agent_1.802154.serial.packet.raw"));
        Assert.Empty(_bus.BodiesOn("toAgent.agent_1.ip.tun.packet.raw"));
    }

    [Fact]
    public async Task Lossy_link_start_drops_the_next_N_packets_and_counts_them()
    {
        await _bus.DeliverAsync(Topics.LossyLinkStart, new LossyLinkStart(2).ToJson());
        for (var i = 0; i < 3; i++) await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", PacketBody());
        Assert.Single(_bus.BodiesOn("toAgent.agent_2.ip.tun.packet.raw"));
        Assert.Equal(2, _router.Counters.Dropped("agent_1"));
        Assert.Contains("lossy 2", _router.Counters.Lines().Single());
    }

    [Fact]
    public async Task Malformed_packets_are_dropped_and_counted()
    {
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Encoding.UTF8.GetBytes("{]"));
        Assert.Empty(_bus.BodiesOn("toAgent.agent_2.ip.tun.packet.raw"));
        Assert.Equal(1, _router.Counters.Dropped("agent_1"));
        Assert.Contains("malformed-json 1", _router.Counters.Lines().Single());
    }
}
