using Microsoft.Extensions.Time.Testing;
using Serilog.Events;
using Agent.Testing;
using Agent.Core.Drops;
using Agent.Core.Relay;

namespace Agent.Core.Tests.Relay;

public sealed class PacketLogTests
{
    [Fact]
    public void A_flood_is_cut_to_the_limit_then_one_summary_line_a_second()
    {
        var time = new FakeTimeProvider();
        var (log, sink) = CollectingSink.Logger();
        using var packetLog = new PacketLog(log, time, linesPerSecond: 20);
        for (var i = 1; i <= 1000; i++) packetLog.Packet("up", i, SamplePackets.EchoRequestV6);
        Assert.Equal(20, sink.Lines.Count);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(21, sink.Lines.Count);
        Assert.Contains("980 more packet lines", sink.Lines[^1]);
        // The next second has its own budget.
        packetLog.Packet("up", 1001, SamplePackets.EchoRequestV6);
        Assert.Contains("up #1001", sink.Lines[^1]);
    }

    [Fact]
    public void Quiet_logs_no_packet_lines_but_still_logs_drops()
    {
        var (log, sink) = CollectingSink.Logger(LogEventLevel.Warning);
        using var packetLog = new PacketLog(log, new FakeTimeProvider());
        packetLog.Packet("up", 1, SamplePackets.EchoRequestV6);
        packetLog.Dropped("toAgent.a.ip.tun.packet.raw", new Drop(DropReason.MalformedJson, "x"));
        Assert.Single(sink.Lines);
        Assert.Contains("malformed-json", sink.Lines[0]);
    }

    [Fact]
    public void Verbose_logs_the_json_body()
    {
        var (log, sink) = CollectingSink.Logger(LogEventLevel.Debug);
        using var packetLog = new PacketLog(log, new FakeTimeProvider());
        packetLog.Packet("up", 1, SamplePackets.EchoRequestV6, """{"data": [96]}"""u8);
        Assert.Contains("""{"data": [96]}""", sink.Lines.Single());
    }

    [Fact]
    public void Very_verbose_logs_every_packet_with_its_hex_dump_beyond_the_limit()
    {
        var time = new FakeTimeProvider();
        var (log, sink) = CollectingSink.Logger(LogEventLevel.Verbose);
        using var packetLog = new PacketLog(log, time, linesPerSecond: 2);
        for (var i = 1; i <= 5; i++) packetLog.Packet("up", i, SamplePackets.EchoRequestV6);
        packetLog.Routed("agent_1", 1, 6, SamplePackets.EchoRequestV6);
        Assert.Equal(6, sink.Lines.Count);
        var lines = sink.Lines[0].Split('\n');
        Assert.StartsWith("up #1 ", lines[0]);
        Assert.Equal(HexDump.Text2Pcap(SamplePackets.EchoRequestV6), string.Join('\n', lines[1..]));
        Assert.StartsWith("agent_1 -> 1 agents #6 ", sink.Lines[5]);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(6, sink.Lines.Count); // nothing was suppressed
    }
}
