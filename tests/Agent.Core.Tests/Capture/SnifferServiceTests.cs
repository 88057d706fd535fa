using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Agent.Core.Capture;
using Agent.Core.Protocol;
using Agent.Testing;
using Agent.Core.Drops;
using Agent.Core.Relay;

namespace Agent.Core.Tests.Capture;

/// <summary>The ioppytest sniffer's RPCs (PROTOCOL.md 7), through <see cref="PacketCapture"/> on a fake bus.</summary>
public sealed class SnifferServiceTests : IAsyncLifetime
{
    private readonly FakeBus _bus = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1700000000_900));
    private readonly CancellationTokenSource _stop = new();
    private SnifferService _sniffer = null!;
    private Task _run = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        var (log, _) = CollectingSink.Logger();
        _sniffer = new SnifferService(_bus, log, maxCaptures: 3);
        _run = new PacketCapture(_bus, null, _sniffer, log, new PacketLog(log, _time), _time).RunAsync(_stop.Token);
        await _bus.WaitForAsync(Topics.ComponentReady);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
    }

    private static byte[] Json(string json) => Encoding.UTF8.GetBytes(json);

    private static byte[] Packet(byte[] data, string interfaceName = "tun0", double timestamp = 1700000000.5) => Json(
        $$"""{"_api_version": "1.2.15", "data": [{{string.Join(", ", data)}}], "interface_name": "{{interfaceName}}", "timestamp": {{timestamp}}}""");

    private async Task<JsonObject> RequestAsync(string key, string body, string correlationId)
    {
        var replyKey = key.Replace(".request", ".reply");
        var before = _bus.BodiesOn(replyKey).Count;
        await _bus.DeliverAsync(key, Json(body), correlationId);
        var reply = await _bus.WaitForAsync(replyKey, before + 1);
        Assert.Contains((replyKey, correlationId), _bus.Correlations);
        var json = JsonNode.Parse(reply)!.AsObject();
        Assert.Equal(Wire.ApiVersion, json["_api_version"]!.GetValue<string>());
        return json;
    }

    private static CaptureFileReader.PcapFile PcapOf(JsonObject reply)
    {
        Assert.True(reply["ok"]!.GetValue<bool>(), reply.ToJsonString());
        Assert.Equal("pcap_base64", reply["file_enc"]!.GetValue<string>());
        return CaptureFileReader.ReadPcap(Convert.FromBase64String(reply["value"]!.GetValue<string>()));
    }

    [Fact]
    public void It_says_ready_as_sniffing_and_binds_the_request_keys_with_the_packets()
    {
        Assert.Equal("sniffing", JsonNode.Parse(_bus.BodiesOn(Topics.ComponentReady)[0])!["component"]!.GetValue<string>());
        Assert.Equal(["fromAgent.#", .. SnifferService.RequestKeys], _bus.BoundKeys);
    }

    [Fact]
    public async Task Start_packets_stop_then_getcapture_returns_a_classic_pcap_of_what_came_in_between()
    {
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet(SamplePackets.EchoRequestV6, timestamp: 1700000000.125)); // before start
        var start = await RequestAsync(SnifferService.StartRequest, """{"_api_version": "1.2.15", "capture_id": "TD_COAP_CORE_01", "filter_if": "tun0", "filter_proto": "udp"}""", "c-start");
        Assert.True(start["ok"]!.GetValue<bool>());
        Assert.Equal("TD_COAP_CORE_01", _sniffer.Recording);

        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet(SamplePackets.EchoRequestV6, timestamp: 1700000000.25));
        await _bus.DeliverAsync("fromAgent.agent_2.ip.tun.packet.raw", Packet(SamplePackets.EchoRequestV4, "serial"));
        await _bus.DeliverAsync("fromAgent.agent_4.ip.tun.packet.raw", Packet(SamplePackets.EchoRequestV6, "eth0")); // not tun or serial
        await _bus.DeliverAsync("fromAgent.agent_3.802154.serial.packet.raw", Packet([65, 216, 1], "serial")); // not raw IP
        await _bus.DeliverAsync("fromAgent.agent_1.stats", Json("""{"name": "agent_1"}""")); // not a packet
        Assert.True((await RequestAsync(SnifferService.StopRequest, "{}", "c-stop"))["ok"]!.GetValue<bool>());
        Assert.Null(_sniffer.Recording);
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet(SamplePackets.EchoRequestV6)); // after stop

        var reply = await RequestAsync(SnifferService.GetCaptureRequest, """{"capture_id": "TD_COAP_CORE_01"}""", "c-get");
        Assert.Equal("TD_COAP_CORE_01.pcap", reply["filename"]!.GetValue<string>());
        var pcap = PcapOf(reply);
        Assert.Equal(101u, pcap.LinkType);
        Assert.Equal(2000, pcap.SnapLength);
        Assert.Equal([SamplePackets.EchoRequestV6, SamplePackets.EchoRequestV4], pcap.Records.Select(r => r.Data));
        Assert.Equal((1700000000u, 250000u), (pcap.Records[0].Seconds, pcap.Records[0].Microseconds));
        Assert.Equal(1, _sniffer.Counters.Skipped(DropReason.SnifferNotTunOrSerial));
        Assert.Equal(1, _sniffer.Counters.Skipped(DropReason.SnifferNotIp));
    }

    [Fact]
    public async Task Getlastcapture_returns_the_last_capture_started()
    {
        await RequestAsync(SnifferService.StartRequest, """{"capture_id": "TD_COAP_CORE_01"}""", "1");
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet(SamplePackets.EchoRequestV6));
        // A start while recording stops the capture before.
        await RequestAsync(SnifferService.StartRequest, """{"capture_id": "TD_COAP_CORE_02"}""", "2");
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet(SamplePackets.EchoRequestV4));
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet(SamplePackets.EchoRequestV4));

        var last = await RequestAsync(SnifferService.GetLastCaptureRequest, "{}", "3");
        Assert.Equal("TD_COAP_CORE_02.pcap", last["filename"]!.GetValue<string>());
        Assert.Equal(2, PcapOf(last).Records.Count);
        var first = await RequestAsync(SnifferService.GetCaptureRequest, """{"capture_id": "TD_COAP_CORE_01"}""", "4");
        Assert.Equal([SamplePackets.EchoRequestV6], PcapOf(first).Records.Select(r => r.Data));
    }

    [Fact]
    public async Task A_running_capture_can_be_fetched_and_is_a_valid_file_so_far()
    {
        await RequestAsync(SnifferService.StartRequest, """{"capture_id": "live"}""", "1");
        Assert.Empty(PcapOf(await RequestAsync(SnifferService.GetCaptureRequest, """{"capture_id": "live"}""", "2")).Records);
        await _bus.DeliverAsync("fromAgent.agent_1.ip.tun.packet.raw", Packet(SamplePackets.EchoRequestV6));
        Assert.Single(PcapOf(await RequestAsync(SnifferService.GetCaptureRequest, """{"capture_id": "live"}""", "3")).Records);
    }

    [Theory]
    [InlineData(SnifferService.GetCaptureRequest, """{"capture_id": "TD_NOPE"}""", "TD_NOPE")]
    [InlineData(SnifferService.GetCaptureRequest, "{}", "capture id")]
    [InlineData(SnifferService.GetLastCaptureRequest, "{}", "No previous capture")]
    [InlineData(SnifferService.StartRequest, "{}", "capture id")]
    [InlineData(SnifferService.StartRequest, "not json", "capture id")]
    public async Task Errors_are_ok_false_with_an_error_message(string key, string body, string says)
    {
        var reply = await RequestAsync(key, body, "c-err");
        Assert.False(reply["ok"]!.GetValue<bool>());
        Assert.Contains(says, reply["error_message"]!.GetValue<string>());
        Assert.True(reply.ContainsKey("error_code"));
        Assert.False(reply.ContainsKey("value"));
    }

    [Fact]
    public async Task Stop_with_nothing_recording_is_ok_as_in_ioppytest()
    {
        Assert.True((await RequestAsync(SnifferService.StopRequest, "{}", "s"))["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Beyond_the_count_the_oldest_captures_are_forgotten()
    {
        for (var i = 1; i <= 4; i++) await RequestAsync(SnifferService.StartRequest, $$"""{"capture_id": "TD_{{i}}"}""", $"{i}");
        Assert.False((await RequestAsync(SnifferService.GetCaptureRequest, """{"capture_id": "TD_1"}""", "a"))["ok"]!.GetValue<bool>());
        Assert.True((await RequestAsync(SnifferService.GetCaptureRequest, """{"capture_id": "TD_2"}""", "b"))["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_reply_without_a_correlation_id_still_goes_out()
    {
        await _bus.DeliverAsync(SnifferService.StopRequest, Json("{}"));
        Assert.True(JsonNode.Parse(await _bus.WaitForAsync("sniffing.stop.reply"))!["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task On_stop_it_says_shutdown_as_sniffing()
    {
        await _stop.CancelAsync();
        await _run;
        Assert.Equal("sniffing", JsonNode.Parse(_bus.BodiesOn(Topics.ComponentShutdown).Single())!["component"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_full_capture_leaves_further_packets_out()
    {
        var (log, sink) = CollectingSink.Logger();
        var sniffer = new SnifferService(_bus, log, maxCaptureBytes: 100);
        await sniffer.HandleAsync(SnifferService.StartRequest, Json("""{"capture_id": "big"}"""), "x");
        var record = new CaptureRecord("agent_1", LinkType.RawIp, _time.GetUtcNow(), SamplePackets.EchoRequestV6, "tun0", "fromAgent.agent_1.ip.tun.packet.raw");
        for (var i = 0; i < 5; i++) sniffer.Record(record);
        Assert.Equal(2, sniffer.Counters.Captured("agent_1"));
        Assert.Equal(3, sniffer.Counters.Skipped(DropReason.SnifferCaptureFull));
        Assert.Single(sink.Lines, l => l.Contains("reached"));
    }
}
