using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Agent.Connectors.Serial.Tests.Line;
using Agent.Connectors.Serial.Tests.OpenWsn;
using Agent.Core.Addressing;
using Agent.Core.Agents;
using Agent.Core.Drops;
using Agent.Core.Protocol;
using Agent.Core.Relay;
using Agent.Framing;
using Agent.Posix;
using Agent.Testing;

namespace Agent.Connectors.Serial.Tests.Agents;

/// <summary>A serial agent, the one agent with the serial kind, over an in-memory line and a fake bus.</summary>
public sealed class SerialAgentTests : IAsyncLifetime
{
    private const string Name = "agent_3";
    private readonly FakeBus _bus = new();
    private readonly MemoryLine _line = new();
    private readonly TrafficCounters _counters = new();
    private readonly CollectingSink _sink;
    private readonly Serilog.ILogger _log;
    private readonly PacketLog _packetLog;
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    public SerialAgentTests()
    {
        (_log, _sink) = CollectingSink.Logger();
        _packetLog = new PacketLog(_log, TimeProvider.System);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _packetLog.Dispose();
    }

    private async Task StartAsync(SerialPayload payload = SerialPayload.Ip, SerialFraming framing = SerialFraming.Slip,
        Termios.Flow flow = Termios.Flow.None, bool xonXoffEscape = false, bool direct = false)
    {
        var options = new SerialOptions("/dev/memory0", 115200, framing, payload, flow, xonXoffEscape);
        var name = AgentName.Parse(Name);
        var kind = new SerialKind(name, options, _line, _log, TimeProvider.System, new Random(3));
        var agent = new SessionAgent(name, kind, _bus, new AgentOptions(TimeSpan.Zero, Direct: direct), _counters, _packetLog, _log, TimeProvider.System);
        _running = agent.RunAsync(_stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
    }

    private static byte[] Slip(byte[] payload) => FrameStreams.Encode(new SlipEncoder(), payload);

    private static byte[] Ipv6(string source, string destination) =>
        [0x60, 0, 0, 0, 0, 0, 59, 64, .. IPAddress.Parse(source).GetAddressBytes(), .. IPAddress.Parse(destination).GetAddressBytes()];

    private static byte[] PacketBody(byte[] data) =>
        Encoding.UTF8.GetBytes($$"""{"data": [{{string.Join(", ", data)}}]}""");

    private static JsonObject Json(byte[] body) => JsonNode.Parse(body)!.AsObject();

    private static async Task WaitUntil(Func<bool> condition, string what) => Assert.True(await Eventually.TrueAsync(condition), what);

    [Fact]
    public async Task An_ip_mote_is_announced_once_its_address_is_known_and_again_on_tun_start()
    {
        await StartAsync();
        Assert.Contains("toAgent.agent_3.ip.tun.start", _bus.BoundKeys);
        Assert.Contains("toAgent.agent_3.ip.tun.packet.raw", _bus.BoundKeys);
        _line.Plug();
        await _bus.DeliverAsync("toAgent.agent_3.ip.tun.start", """{"name": "agent_3"}"""u8.ToArray());
        Assert.Empty(_bus.BodiesOn("fromAgent.agent_3.ip.tun.started"));
        await WaitUntil(() => _sink.Lines.Any(l => l.Contains("nothing to announce yet")), "no line saying why nothing was announced");

        _line.Feed(Slip(Ipv6("bbbb::3", "bbbb::1")));
        var up = Json(await _bus.WaitForAsync("fromAgent.agent_3.ip.tun.packet.raw"));
        Assert.Equal("serial", up["interface_name"]!.GetValue<string>());
        var started = Json(await _bus.WaitForAsync("fromAgent.agent_3.ip.tun.started"));
        Assert.Equal("bbbb", started["ipv6_prefix"]!.GetValue<string>());
        Assert.Equal("3", started["ipv6_host"]!.GetValue<string>());

        await _bus.DeliverAsync("toAgent.agent_3.ip.tun.start", """{"name": "agent_3"}"""u8.ToArray());
        await _bus.WaitForAsync("fromAgent.agent_3.ip.tun.started", count: 2);
        Assert.Equal(1, _counters.UpPackets);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task With_xon_xoff_flow_the_motes_xoff_and_xon_are_taken_out_of_the_stream_and_told_to_the_line(bool escaped)
    {
        await StartAsync(framing: SerialFraming.Hdlc, flow: Termios.Flow.XonXoff, xonXoffEscape: escaped);
        _line.Plug();
        var frame = FrameStreams.Encode(new HdlcEncoder(), Ipv6("bbbb::3", "bbbb::1"));
        _line.Feed([.. frame[..9], XonXoffEscaper.Xoff, .. frame[9..20], XonXoffEscaper.Xon, .. frame[20..]]);
        var up = Json(await _bus.WaitForAsync("fromAgent.agent_3.ip.tun.packet.raw"));
        Assert.Equal(Ipv6("bbbb::3", "bbbb::1").Select(b => (int)b), up["data"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal([false, true], _line.Flow);
    }

    [Fact]
    public async Task Without_xon_xoff_flow_the_line_is_never_told_of_a_pause()
    {
        await StartAsync(framing: SerialFraming.Hdlc, xonXoffEscape: true);
        _line.Plug();
        _line.Feed([XonXoffEscaper.Xoff, .. FrameStreams.Encode(new HdlcEncoder(), Ipv6("bbbb::3", "bbbb::1"))]);
        await _bus.WaitForAsync("fromAgent.agent_3.ip.tun.packet.raw");
        Assert.Empty(_line.Flow);
    }

    [Fact]
    public async Task An_802154_line_says_serial_started_on_every_open_and_on_serial_start()
    {
        await StartAsync(SerialPayload.Ieee802154);
        Assert.Contains("toAgent.agent_3.802154.serial.start", _bus.BoundKeys);
        Assert.Empty(_bus.BodiesOn("fromAgent.agent_3.802154.serial.started")); // not open yet
        _line.Plug();
        var started = Json(await _bus.WaitForAsync("fromAgent.agent_3.802154.serial.started"));
        Assert.Equal("/dev/memory0", started["port"]!.GetValue<string>());
        Assert.Equal(115200, started["boudrate"]!.GetValue<int>());

        _line.Unplug();
        _line.Plug();
        await _bus.WaitForAsync("fromAgent.agent_3.802154.serial.started", count: 2);
        await _bus.DeliverAsync("toAgent.agent_3.802154.serial.start", """{"name": "agent_3"}"""u8.ToArray());
        await _bus.WaitForAsync("fromAgent.agent_3.802154.serial.started", count: 3);

        _line.Feed(Slip([0x41, 0xd8, 0x01]));
        var frame = Json(await _bus.WaitForAsync("fromAgent.agent_3.802154.serial.packet.raw"));
        Assert.Equal([0xc0, 0x41, 0xd8, 0x01, 0xc0], frame["data_slip"]!.AsArray().Select(n => n!.GetValue<int>()));
    }

    [Fact]
    public async Task Downlink_packets_for_the_mote_go_down_the_line_and_others_are_dropped_quietly_and_counted()
    {
        await StartAsync();
        _line.Plug();
        _line.Feed(Slip(Ipv6("bbbb::3", "bbbb::1")));
        await _bus.WaitForAsync("fromAgent.agent_3.ip.tun.started");

        var forMote = Ipv6("bbbb::1", "bbbb::3");
        await _bus.DeliverAsync("toAgent.agent_3.ip.tun.packet.raw", PacketBody(forMote));
        await _bus.DeliverAsync("toAgent.agent_3.ip.tun.packet.raw", PacketBody(Ipv6("bbbb::1", "bbbb::2")));
        await WaitUntil(() => _counters.DownPackets == 1, "the packet for the mote was not written");
        Assert.Equal(Slip(forMote), Assert.Single(_line.Written));
        Assert.Equal(1, _counters.Drops[DropReason.NotForMote]);
        Assert.DoesNotContain(_sink.Lines, l => l.Contains("not-for-mote")); // quiet: debug level only
    }

    [Fact]
    public async Task A_direct_mote_takes_groups_at_once_and_other_agents_unicast_once_its_address_is_known()
    {
        await StartAsync(direct: true);
        _line.Plug();
        const string peer = "fromAgent.agent_1.ip.tun.packet.raw";
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.started", System.Text.Encoding.UTF8.GetBytes("""{"ipv6_host": "1"}""")); // learnt from its announcement
        await WaitUntil(() => _bus.BoundKeys.Contains(peer), "the peer's uplink was not bound");
        var allNodes = Ipv6("bbbb::1", "ff02::1");
        await _bus.DeliverAsync(peer, PacketBody(Ipv6("bbbb::1", "bbbb::3"))); // its address is not known yet
        await _bus.DeliverAsync(peer, PacketBody(allNodes));
        await WaitUntil(() => _counters.DownPackets == 1, "the group packet was not written");
        Assert.Equal(1, _counters.Drops[DropReason.NotForThisAgent]);

        _line.Feed(Slip(Ipv6("bbbb::3", "bbbb::1")));
        await _bus.WaitForAsync("fromAgent.agent_3.ip.tun.started");
        await _bus.DeliverAsync(peer, PacketBody(Ipv6("bbbb::1", "bbbb::3")));
        await _bus.DeliverAsync(peer, PacketBody(Ipv6("bbbb::1", "bbbb::2")));
        await WaitUntil(() => _counters.DownPackets == 2, "the packet for the mote was not written");
        Assert.Equal([Slip(allNodes), Slip(Ipv6("bbbb::1", "bbbb::3"))], _line.Written);
        Assert.Equal(1, _counters.Drops[DropReason.NotForMote]);
    }

    [Fact]
    public async Task What_the_line_garbles_or_cannot_take_is_counted_by_reason()
    {
        await StartAsync();
        _line.Plug();
        _line.Feed([0xc0, 0x60, 0xdb, 0x01, 0xc0]); // an escape followed by a byte that may not follow it
        _line.Feed(Slip([0x99, 1, 2]));            // a first byte that says nothing
        await WaitUntil(() => _counters.Drops[DropReason.UnknownFirstByte] == 1, "unknown first byte not counted");
        Assert.Equal(1, _counters.Drops[DropReason.BadEscape]);

        _line.Unplug();
        await WaitUntil(() => !_line.Plugged, "the line was not unplugged");
        await _bus.DeliverAsync("toAgent.agent_3.ip.tun.packet.raw", PacketBody(Ipv6("bbbb::1", "bbbb::3")));
        await WaitUntil(() => _counters.Drops[DropReason.DeviceAbsent] == 1, "a write to an absent line was not counted");
        Assert.Equal(0, _counters.DownPackets);
        Assert.Contains(_sink.Lines, l => l.Contains("Dropped /dev/memory0: device-absent"));
    }

    [Fact]
    public async Task A_prefix_query_is_answered_through_the_write_path_and_not_counted_as_traffic()
    {
        await StartAsync();
        _line.Plug();
        _line.Feed(Slip("?P"u8.ToArray()));
        await WaitUntil(() => !_line.Written.IsEmpty, "no answer to ?P");
        Assert.Equal(Slip([(byte)'!', (byte)'P', 0xbb, 0xbb, 0, 0, 0, 0, 0, 0]), Assert.Single(_line.Written));
        Assert.Equal(0, _counters.DownPackets);
    }

    [Fact]
    public async Task Mote_to_mote_traffic_is_written_by_the_one_writer_and_counted_down()
    {
        await StartAsync(SerialPayload.OpenWsn, SerialFraming.Hdlc);
        _line.Plug();
        byte[] Hdlc(string hex) => FrameStreams.Encode(new HdlcEncoder(), Convert.FromHexString(hex));
        var status = Vectors.Load("openwsn/status_frames.json").GetProperty("status_frames")[1].GetProperty("raw_frame_hex").GetString()!;
        _line.Feed(Hdlc(status));
        foreach (var dao in MeshVectors.Daos.EnumerateArray()) _line.Feed(Hdlc(dao.GetProperty("raw_frame_hex").GetString()!));
        await _bus.WaitForAsync("fromAgent.agent_3.ip.tun.started");

        // Mote A's echo request to mote C, bridged by the root (as in OpenWsnMotePayloadTests).
        _line.Feed(Hdlc("4400014523010000141592cc00000001141592cc00000002f18305037a553a141592cc00000002141592cc00000004"
            + "8000415b123400015c216b3e00000000101112131415161718191a1b1c1d1e1f2021222324252627"));
        await WaitUntil(() => _counters.DownPackets == 1, "the mote-to-mote packet was not counted down");
        var sink = new RecordingSink();
        new HdlcDecoder().Decode(_line.Written.SelectMany(w => w).ToArray(), sink);
        var down = Assert.Single(sink.Frames, f => f.Payload[0] == (byte)'D');
        Assert.Equal("44141592cc00000002", Convert.ToHexStringLower(down.Payload[..9]));
        Assert.Empty(_bus.BodiesOn("fromAgent.agent_3.ip.tun.packet.raw")); // it never left the mesh
        Assert.Contains(_sink.Lines, l => l.Contains("down #1 80 B bbbb::1415:92cc:0:2 -> bbbb::1415:92cc:0:4 ICMPv6 echo-request"));
    }

    [Fact]
    public async Task An_ip_mote_is_announced_once_not_again_on_every_replug()
    {
        await StartAsync();
        _line.Plug();
        _line.Feed(Slip(Ipv6("bbbb::3", "bbbb::1")));
        await _bus.WaitForAsync("fromAgent.agent_3.ip.tun.started");
        _line.Unplug();
        _line.Plug();
        _line.Feed(Slip(Ipv6("bbbb::3", "bbbb::1")));
        await WaitUntil(() => _counters.UpPackets == 2, "the second packet did not go up");
        Assert.Single(_bus.BodiesOn("fromAgent.agent_3.ip.tun.started"));
    }

    [Fact]
    public async Task A_paused_line_holds_our_output_but_never_the_mote_s_input()
    {
        await StartAsync();
        _line.Plug();
        _line.Pause(); // the mote said XOFF
        _line.Feed(Slip("?P"u8.ToArray()));
        await WaitUntil(() => _line.Waiting == 1, "the answer to ?P did not wait for the paused line");
        _line.Feed(Slip(Ipv6("bbbb::3", "bbbb::1")));
        await _bus.WaitForAsync("fromAgent.agent_3.ip.tun.packet.raw"); // the reader is not held by the paused write
        Assert.Empty(_line.Written);
        _line.Resume();
        await WaitUntil(() => _line.Written.Count == 1, "the answer was not written after XON");
    }

    [Fact]
    public async Task An_unplugged_openwsn_line_is_not_probed()
    {
        await StartAsync(SerialPayload.OpenWsn, SerialFraming.Hdlc);
        _line.Plug();
        await WaitUntil(() => !_line.Written.IsEmpty, "no echo probe on a silent line"); // 1.5 s of silence, then S
        _line.Unplug();
        await WaitUntil(() => !_line.Plugged, "the line was not unplugged");
        await Task.Delay(TimeSpan.FromSeconds(4)); // four ticks with the line away: probing would fail four times
        // At most the one probe that was already on its way to the line when it went (a loaded machine delays the writer).
        Assert.InRange(_counters.Drops[DropReason.DeviceAbsent], 0, 1);
    }
}
