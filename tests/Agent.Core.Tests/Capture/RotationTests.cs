using Agent.Core.Capture;
using Agent.Testing;

namespace Agent.Core.Tests.Capture;

public sealed class RotationTests
{
    private readonly MemoryCaptureStore _store = new();

    private static CaptureRecord Ip(string agent, int second) =>
        new(agent, LinkType.RawIp, DateTimeOffset.FromUnixTimeSeconds(1700000000 + second), SamplePackets.EchoRequestV6, "tun0",
            $"fromAgent.{agent}.ip.tun.packet.raw");

    private static CaptureRecord Frame(string agent, int second) =>
        new(agent, LinkType.Ieee802154NoFcs, DateTimeOffset.FromUnixTimeSeconds(1700000000 + second), [65, 216, 1, 2, 3], "serial",
            $"fromAgent.{agent}.802154.serial.packet.raw");

    [Theory]
    [InlineData("/tmp/session.pcapng", 0, "/tmp/session.pcapng")]
    [InlineData("/tmp/session.pcapng", 1, "/tmp/session-1.pcapng")]
    [InlineData("/tmp/session.pcapng", 12, "/tmp/session-12.pcapng")]
    [InlineData("session.pcap", 2, "session-2.pcap")]
    [InlineData("/tmp/session.802154.pcap", 1, "/tmp/session.802154-1.pcap")]
    public void Files_after_the_first_are_numbered_before_the_extension(string path, int index, string expected) =>
        Assert.Equal(expected, RotationPolicy.NumberedPath(path, index));

    [Fact]
    public void Without_rotation_everything_goes_to_the_one_path()
    {
        using var file = new RotatingCaptureFile("/c/x.pcapng", RotationPolicy.None, _store, s => new PcapNgWriter(s));
        for (var i = 0; i < 50; i++) file.Write(Ip("agent_1", i));
        Assert.Equal(["/c/x.pcapng"], _store.Created);
        Assert.Equal(50, CaptureFileReader.ReadPcapNg(_store.Bytes("/c/x.pcapng")).Packets.Count);
    }

    [Fact]
    public void By_packets_each_file_is_a_complete_pcapng_with_its_own_interfaces()
    {
        using (var file = new RotatingCaptureFile("/c/x.pcapng", new RotationPolicy(MaxPackets: 2), _store, s => new PcapNgWriter(s)))
        {
            file.Write(Ip("agent_1", 1));
            file.Write(Ip("agent_2", 2));
            file.Write(Ip("agent_2", 3));
            file.Write(Ip("agent_1", 4));
            file.Write(Ip("agent_1", 5));
            Assert.Equal(5, file.Packets);
            Assert.Equal(3, file.FilesStarted);
        }
        Assert.Equal(["/c/x.pcapng", "/c/x-1.pcapng", "/c/x-2.pcapng"], _store.Created);
        var second = CaptureFileReader.ReadPcapNg(_store.Bytes("/c/x-1.pcapng"));
        Assert.Equal(["agent_2", "agent_1"], second.Interfaces.Select(i => i.Options[PcapNgWriter.IfName]));
        Assert.Equal([0u, 1u], second.Packets.Select(p => p.InterfaceId));
        Assert.Single(CaptureFileReader.ReadPcapNg(_store.Bytes("/c/x-2.pcapng")).Packets);
    }

    [Fact]
    public void By_size_a_file_that_holds_the_limit_is_followed_by_the_next()
    {
        var recordSize = PcapWriter.RecordHeaderLength + SamplePackets.EchoRequestV6.Length;
        // Room for two records after the header: the third starts a new file.
        var policy = new RotationPolicy(MaxBytes: PcapWriter.GlobalHeaderLength + 2 * recordSize);
        using (var file = new RotatingCaptureFile("/c/x.pcap", policy, _store, s => new PcapWriter(s, LinkType.RawIp)))
            for (var i = 0; i < 5; i++) file.Write(Ip("agent_1", i));
        Assert.Equal([2, 2, 1], _store.Created.Select(p => CaptureFileReader.ReadPcap(_store.Bytes(p)).Records.Count));
        Assert.All(_store.Created, p => Assert.True(_store.Bytes(p).Length <= policy.MaxBytes));
    }

    [Fact]
    public void A_file_holding_one_packet_larger_than_the_limit_still_holds_it()
    {
        using (var file = new RotatingCaptureFile("/c/x.pcap", new RotationPolicy(MaxBytes: 10), _store, s => new PcapWriter(s, LinkType.RawIp)))
            for (var i = 0; i < 3; i++) file.Write(Ip("agent_1", i));
        Assert.Equal([1, 1, 1], _store.Created.Select(p => CaptureFileReader.ReadPcap(_store.Bytes(p)).Records.Count));
    }

    [Fact]
    public void With_a_file_count_the_oldest_files_are_deleted()
    {
        using var file = new RotatingCaptureFile("/c/x.pcapng", new RotationPolicy(MaxPackets: 1, MaxFiles: 2), _store, s => new PcapNgWriter(s));
        for (var i = 0; i < 5; i++) file.Write(Ip("agent_1", i));
        Assert.Equal(["/c/x-3.pcapng", "/c/x-4.pcapng"], file.Files);
        Assert.Equal(["/c/x.pcapng", "/c/x-1.pcapng", "/c/x-2.pcapng"], _store.Deleted);
        Assert.Equal(["/c/x-3.pcapng", "/c/x-4.pcapng"], _store.Existing.Order());
        var last = CaptureFileReader.ReadPcapNg(_store.Bytes("/c/x-4.pcapng")).Packets.Single();
        Assert.Equal(1700000004000000ul, last.Timestamp);
    }

    [Fact]
    public void Open_creates_the_first_file_with_its_header_only()
    {
        using var file = new RotatingCaptureFile("/c/x.pcap", RotationPolicy.None, _store, s => new PcapWriter(s, LinkType.RawIp));
        file.Open();
        file.Open();
        Assert.Equal(["/c/x.pcap"], _store.Created);
        Assert.Empty(CaptureFileReader.ReadPcap(_store.Bytes("/c/x.pcap")).Records);
    }

    [Fact]
    public void A_pcapng_file_set_keeps_both_link_types_in_one_file()
    {
        using (var files = new CaptureFileSet("/c/s.pcapng", CaptureFormat.PcapNg, RotationPolicy.None, _store))
        {
            files.Open();
            files.Write(Ip("agent_1", 1));
            files.Write(Frame("agent_3", 2));
            Assert.Equal(["/c/s.pcapng"], files.Files);
            Assert.Equal(2, files.Packets);
        }
        var file = CaptureFileReader.ReadPcapNg(_store.Bytes("/c/s.pcapng"));
        Assert.Equal([(ushort)101, (ushort)230], file.Interfaces.Select(i => i.LinkType));
    }

    [Fact]
    public void A_classic_pcap_file_set_puts_802154_frames_in_a_sibling_file()
    {
        using (var files = new CaptureFileSet("/c/s.pcap", CaptureFormat.Pcap, new RotationPolicy(MaxPackets: 2), _store))
        {
            files.Open();
            Assert.Equal(["/c/s.pcap"], files.Files);
            files.Write(Ip("agent_1", 1));
            files.Write(Frame("agent_3", 2));
            files.Write(Ip("agent_2", 3));
            files.Write(Ip("agent_2", 4));
            Assert.Equal(["/c/s.pcap", "/c/s-1.pcap", "/c/s.802154.pcap"], files.Files);
        }
        var ip = CaptureFileReader.ReadPcap(_store.Bytes("/c/s.pcap"));
        Assert.Equal(101u, ip.LinkType);
        Assert.Equal(2, ip.Records.Count);
        var frames = CaptureFileReader.ReadPcap(_store.Bytes("/c/s.802154.pcap"));
        Assert.Equal(230u, frames.LinkType);
        Assert.Equal([65, 216, 1, 2, 3], frames.Records.Single().Data);
    }

    [Theory]
    [InlineData("a/b.pcapng", true, CaptureFormat.PcapNg)]
    [InlineData("b.PCAPNG", true, CaptureFormat.PcapNg)]
    [InlineData("b.pcap", true, CaptureFormat.Pcap)]
    [InlineData("b.cap", false, CaptureFormat.Pcap)]
    [InlineData("b", false, CaptureFormat.Pcap)]
    public void The_format_is_told_by_the_extension(string path, bool known, CaptureFormat expected)
    {
        Assert.Equal(known, CaptureFileSet.TryFormatOf(path, out var format));
        if (known) Assert.Equal(expected, format);
    }
}
