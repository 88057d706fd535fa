using System.Text;
using System.Text.Json.Nodes;
using Agent.Core.Connectors;
using Agent.Core.Drops;
using Agent.Core.Relay;
using Agent.Testing;

namespace Agent.Core.Tests.Relay;

public sealed class PacketRelayTests : IAsyncLifetime
{
    private const string Up = "fromAgent.agent_1.ip.tun.packet.raw";
    private const string Down = "toAgent.agent_1.ip.tun.packet.raw";
    private readonly FakeBus _bus = new();
    private readonly MemoryConnector _device = new("tun7");
    private readonly TrafficCounters _counters = new();
    private readonly CollectingSink _logSink;
    private readonly PacketLog _packetLog;
    private readonly PacketRelay _relay;
    private readonly CancellationTokenSource _stop = new();
    private int _changes;
    private Task _running = Task.CompletedTask;

    public PacketRelayTests()
    {
        (var log, _logSink) = CollectingSink.Logger();
        _packetLog = new PacketLog(log, TimeProvider.System);
        _relay = new PacketRelay(_bus, _device, Up, _counters, _packetLog, downlinkCapacity: 4, changed: () => Interlocked.Increment(ref _changes));
    }

    public Task InitializeAsync()
    {
        _running = _relay.RunAsync(_stop.Token);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _packetLog.Dispose();
    }

    private static byte[] Body(string json) => Encoding.UTF8.GetBytes(json);

    private static byte[] PacketBody(byte[] data) => Body($$"""{"_api_version": "1.2.15", "data": [{{string.Join(", ", data)}}], "interface_name": "tun0", "timestamp": 1}""");

    private static async Task WaitUntil(Func<bool> condition) => Assert.True(await Eventually.TrueAsync(condition));

    [Fact]
    public async Task Every_frame_read_goes_up_with_the_interface_name_and_capture_time()
    {
        _device.Read(SamplePackets.EchoRequestV6, DateTimeOffset.FromUnixTimeMilliseconds(1524036417500));
        var body = JsonNode.Parse(await _bus.WaitForAsync(Up))!;
        Assert.Equal(SamplePackets.EchoRequestV6, body["data"]!.AsArray().Select(n => (byte)n!.GetValue<int>()));
        Assert.Equal("tun7", body["interface_name"]!.GetValue<string>());
        Assert.Equal(1524036417.5, body["timestamp"]!.GetValue<double>());
        Assert.Equal("1.2.15", body["_api_version"]!.GetValue<string>());
        Assert.Equal(1, _counters.UpPackets);
        Assert.Equal(SamplePackets.EchoRequestV6.Length, _counters.UpBytes);
        await WaitUntil(() => _logSink.Lines.Any(l => l.Contains("up #1 56 B bbbb::1 -> bbbb::2 ICMPv6 echo-request")));
    }

    [Fact]
    public async Task Well_formed_downlink_packets_are_written_to_the_device()
    {
        _relay.OnDownlink(Down, PacketBody(SamplePackets.EchoRequestV4));
        await WaitUntil(() => _device.Written.Count == 1);
        Assert.Equal(SamplePackets.EchoRequestV4, _device.Written.Single().Data);
        await WaitUntil(() => _counters.DownPackets == 1);
    }

    [Theory]
    [InlineData("{not json", DropReason.MalformedJson)]
    [InlineData("""{"data": "AQID"}""", DropReason.MalformedJson)]
    [InlineData("""{"data": [65, 216, 206], "data": [69, 0, 0, 20, 0, 0, 0, 0, 64, 1, 0, 0, 10, 2, 0, 1, 10, 2, 0, 2]}""", DropReason.MalformedJson)]
    [InlineData("""{"data": [69, 0, 0, 20, 0, 0, 0, 0, 64, 1, 0, 0, 10, 2, 0, 1, 10, 2, 0, 2]} trailing""", DropReason.MalformedJson)]
    [InlineData("""{"data": [65, 216, 206]}""", DropReason.NotIpPacket)]
    [InlineData("""{"data": [96, 0, 0, 0, 0, 9, 58, 64]}""", DropReason.NotIpPacket)]
    public async Task Bad_downlink_messages_are_dropped_counted_and_logged_with_their_key(string json, DropReason reason)
    {
        _relay.OnDownlink(Down, Body(json));
        Assert.Equal(1, _counters.Drops[reason]);
        await WaitUntil(() => _logSink.Lines.Any(l => l.Contains(Down) && l.Contains(reason.Name())));
        Assert.Empty(_device.Written);
        // The relay keeps working afterwards.
        _relay.OnDownlink(Down, PacketBody(SamplePackets.EchoRequestV6));
        await WaitUntil(() => _device.Written.Count == 1);
    }

    [Fact]
    public void A_full_queue_towards_a_slow_device_drops_and_counts_backlog()
    {
        var bus = new FakeBus();
        var device = new MemoryConnector();
        var counters = new TrafficCounters();
        var relay = new PacketRelay(bus, device, Up, counters, _packetLog, downlinkCapacity: 4);
        // Not running: nothing drains the queue.
        for (var i = 0; i < 10; i++) relay.OnDownlink(Down, PacketBody(SamplePackets.EchoRequestV6));
        Assert.Equal(6, counters.Drops[DropReason.Backlog]);
    }

    [Fact]
    public async Task Uplink_frames_are_counted_as_dropped_while_the_broker_is_away()
    {
        _bus.Connected = false;
        _device.Read(SamplePackets.EchoRequestV6);
        await WaitUntil(() => _counters.Drops.Total == 1);
        Assert.Equal(1, _counters.Drops[DropReason.BusUnavailable]);
        _bus.Connected = true;
        _device.Read(SamplePackets.EchoRequestV6);
        await _bus.WaitForAsync(Up);
        Assert.Equal(1, _counters.UpPackets);
    }

    [Fact]
    public async Task Refused_device_writes_are_counted()
    {
        _device.AcceptWrites = false;
        _relay.OnDownlink(Down, PacketBody(SamplePackets.EchoRequestV6));
        await WaitUntil(() => _counters.Drops.Total == 1);
        Assert.Equal(1, _counters.Drops[DropReason.DeviceWrite]);
        Assert.Equal(0, _counters.DownPackets);
    }

    [Fact]
    public async Task What_the_device_drops_is_counted_and_logged_once_with_the_device_name()
    {
        var host = await _device.Host;
        host.Dropped(new Drop(DropReason.BadFcs, "a frame from the mote"));
        Assert.Equal(1, _counters.Drops[DropReason.BadFcs]);
        await WaitUntil(() => _logSink.Lines.Any(l => l.Contains("Dropped tun7: bad-fcs (a frame from the mote)")));
        Assert.Single(_logSink.Lines, l => l.Contains("bad-fcs"));
    }

    [Fact]
    public async Task Frames_the_device_sends_itself_take_the_one_write_path_behind_the_bus_and_only_packets_count_as_down()
    {
        var host = await _device.Host;
        _relay.OnDownlink(Down, PacketBody(SamplePackets.EchoRequestV4));
        host.Send(new Outbound(SamplePackets.EchoRequestV6));
        host.Send(new Outbound([0x21, 0x50], Control: true));
        await WaitUntil(() => _device.Written.Count == 3);
        Assert.Equal([SamplePackets.EchoRequestV4, SamplePackets.EchoRequestV6, [0x21, 0x50]], _device.Written.Select(w => w.Data));
        Assert.Equal([false, false, true], _device.Written.Select(w => w.Control));
        await WaitUntil(() => _counters.DownPackets == 2);
        Assert.Equal(SamplePackets.EchoRequestV4.Length + SamplePackets.EchoRequestV6.Length, _counters.DownBytes);
    }

    [Fact]
    public async Task A_change_of_the_device_reaches_the_agent_and_its_text_the_log()
    {
        var host = await _device.Host;
        host.Changed();
        host.Printed("hello from the mote");
        Assert.Equal(1, _changes);
        await WaitUntil(() => _logSink.Lines.Any(l => l.Contains("tun7 says: hello from the mote")));
    }

    [Fact]
    public async Task What_the_device_never_took_and_what_comes_after_stop_is_counted_as_stopping()
    {
        var slow = new MemoryConnector("tun8");
        var relay = new PacketRelay(_bus, slow, Up, _counters, _packetLog, downlinkCapacity: 4);
        using var stop = new CancellationTokenSource();
        await stop.CancelAsync(); // stopped before the writer took anything
        relay.OnDownlink(Down, PacketBody(SamplePackets.EchoRequestV6));
        relay.OnDownlink(Down, PacketBody(SamplePackets.EchoRequestV6));
        await relay.RunAsync(stop.Token);
        relay.OnDownlink(Down, PacketBody(SamplePackets.EchoRequestV6));
        Assert.Equal(3, _counters.Drops[DropReason.Stopping]);
        Assert.Empty(slow.Written);
    }
}
