using System.Text;
using Microsoft.Extensions.Time.Testing;
using Agent.Core.Capture;
using Agent.Testing;
using Agent.Core.Drops;
using Agent.Core.Relay;

namespace Agent.Core.Tests.Capture;

/// <summary><see cref="PacketCapture"/> writing files: what it takes from <c>fromAgent.#</c> and what it leaves.</summary>
public sealed class PacketCaptureTests : IAsyncLifetime
{
    private const string Path = "/c/session.pcapng";

    private readonly FakeBus _bus = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1700000000_900));
    private readonly CancellationTokenSource _stop = new();
    private readonly MemoryCaptureStore _store = new();
    private readonly CollectingSink _sink;
    private readonly CaptureFileSet _files;
    private readonly PacketCapture _capture;
    private Task _run = Task.CompletedTask;

    public PacketCaptureTests()
    {
        (var log, _sink) = CollectingSink.Logger();
        _files = new CaptureFileSet(Path, CaptureFormat.PcapNg, RotationPolicy.None, _store);
        _files.Open();
        _capture = new PacketCapture(_bus, _files, null, log, new PacketLog(log, _time), _time);
    }

    public async Task InitializeAsync()
    {
        _run = _capture.RunAsync(_stop.Token);
        Assert.True(await Eventually.TrueAsync(() => _bus.BoundKeys.Count > 0), "the capture did not subscribe");
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        _files.Dispose();
    }

    private async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _run;
    }

    private static byte[] Packet(byte[] data, string timestamp = """, "timestamp": 1700000000.5""") => Encoding.UTF8.GetBytes(
        $$"""{"_api_version": "1.2.15", "data": [{{string.Join(", ", data)}}], "interface_name": "tun0"{{timestamp}}}""");

    [Fact]
    public async Task Packets_of_every_agent_are_written_and_nothing_else()
    {
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet(SamplePackets.EchoRequestV6));
        await _bus.DeliverAsync("fromAgent.agent_2.ip.tun.packet.raw", Packet(SamplePackets.EchoRequestV4, ""));
        await _bus.DeliverAsync("fromAgent.agent_3.802154.serial.packet.raw", Packet([65, 216, 1, 2]));
        await _bus.DeliverAsync("fromAgent.agent_1.stats", Encoding.UTF8.GetBytes("""{"name": "agent_1", "up": 5}"""));
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.started", Encoding.UTF8.GetBytes("""{"name": "agent_1", "ipv6_prefix": "bbbb"}"""));
        await _bus.DeliverAsync("fromAgent.agent_3.802154.serial.started", Encoding.UTF8.GetBytes("""{"name": "agent_3"}"""));

        Assert.Equal(["fromAgent.#"], _bus.BoundKeys);
        var file = CaptureFileReader.ReadPcapNg(_store.Bytes(Path));
        Assert.Equal(["agent_1", "agent_2", "agent_3"], file.Packets.Select(file.InterfaceNameOf));
        Assert.Equal([(ushort)101, (ushort)101, (ushort)230], file.Interfaces.Select(i => i.LinkType));
        Assert.Equal(1700000000500000ul, file.Packets[0].Timestamp);
        Assert.Equal((ulong)_time.GetUtcNow().ToUnixTimeMilliseconds() * 1000, file.Packets[1].Timestamp); // no timestamp: receive time
        Assert.Equal(3, _capture.Counters.TotalCaptured);
        Assert.Equal(0, _capture.Counters.TotalSkipped);
    }

    [Fact]
    public async Task Malformed_packets_and_unknown_packet_kinds_are_skipped_and_counted()
    {
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Encoding.UTF8.GetBytes("{]"));
        await _bus.DeliverAsync("fromAgent.agent_1.ble.packet.raw", Packet([1, 2, 3]));
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet(SamplePackets.EchoRequestV6));
        Assert.Single(CaptureFileReader.ReadPcapNg(_store.Bytes(Path)).Packets);
        Assert.Equal(1, _capture.Counters.Skipped(DropReason.MalformedJson));
        Assert.Equal(1, _capture.Counters.Skipped(DropReason.UnknownLinkType));
        Assert.Contains(_sink.Lines, l => l.Contains("Dropped fromAgent.agent_1.ip.tun.packet.raw: malformed-json"));
    }

    [Fact]
    public async Task On_stop_it_writes_no_more_and_logs_a_one_line_summary()
    {
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet(SamplePackets.EchoRequestV6));
        await _bus.DeliverAsync("fromAgent.agent_2.ip.tun.packet.raw", Packet(SamplePackets.EchoRequestV6));
        await _bus.DeliverAsync("fromAgent.agent_2.ip.tun.packet.raw", Encoding.UTF8.GetBytes("nope"));
        await StopAsync();
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet(SamplePackets.EchoRequestV6));
        Assert.Equal(2, CaptureFileReader.ReadPcapNg(_store.Bytes(Path)).Packets.Count);
        Assert.Contains("Captured 2 packets (agent_1 1, agent_2 1) into /c/session.pcapng, skipped 1 (malformed-json 1)", _sink.Lines);
        Assert.Empty(_bus.BodiesOn("testingtool.component.ready")); // a plain capture is no testing-tool component
    }

    [Fact]
    public async Task Every_packet_is_logged_with_its_agent_and_a_decode()
    {
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet(SamplePackets.EchoRequestV6));
        Assert.Contains(_sink.Lines, l => l.StartsWith("agent_1 #1 56 B bbbb::1 -> bbbb::2 ICMPv6 echo-request", StringComparison.Ordinal));
        Assert.Contains(_sink.Lines, l => l == "Capturing fromAgent.# into /c/session.pcapng");
    }

    [Fact]
    public async Task Records_never_go_backwards_even_when_bodies_carry_whole_seconds_or_an_earlier_time()
    {
        // As the original agent sends them: whole seconds, a request and its reply within the same second.
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet(SamplePackets.EchoRequestV6, """, "timestamp": 1700000000"""));
        _time.Advance(TimeSpan.FromMilliseconds(300));
        await _bus.DeliverAsync("fromAgent.agent_2.ip.tun.packet.raw", Packet(SamplePackets.EchoRequestV6, """, "timestamp": 1700000001"""));
        _time.Advance(TimeSpan.FromMilliseconds(300));
        // Ours, with a fraction, but stamped before the record already written.
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet(SamplePackets.EchoRequestV6, """, "timestamp": 1700000000.95"""));
        var stamps = CaptureFileReader.ReadPcapNg(_store.Bytes(Path)).Packets.Select(p => p.Timestamp).ToList();
        Assert.Equal([1700000000900000ul, 1700000001200000ul, 1700000001200000ul], stamps);
    }

    [Fact]
    public async Task A_packet_longer_than_the_snap_length_is_cut_counted_and_summed_up()
    {
        // 0xFF throughout: 1.2 MB of JSON, more than an agent reads (PacketMessage.MaxBodyBytes); a capture reads any.
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet(Enumerable.Repeat((byte)0xFF, 300_000).ToArray()));
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet(SamplePackets.EchoRequestV6));
        await StopAsync();
        var packets = CaptureFileReader.ReadPcapNg(_store.Bytes(Path)).Packets;
        Assert.Equal([65535u, 56u], packets.Select(p => p.CapturedLength));
        Assert.Equal(1, _capture.Counters.Cut);
        Assert.Contains("Captured 2 packets (agent_1 2) into /c/session.pcapng, 1 cut to the snap length", _sink.Lines);
    }
}
