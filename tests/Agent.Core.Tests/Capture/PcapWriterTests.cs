using System.Buffers.Binary;
using Agent.Core.Capture;
using Agent.Testing;

namespace Agent.Core.Tests.Capture;

public sealed class PcapWriterTests
{
    private static CaptureRecord Ip(byte[] data, double seconds) =>
        new("agent_1", LinkType.RawIp, DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond)), data, "tun0",
            "fromAgent.agent_1.ip.tun.packet.raw");

    [Fact]
    public void The_global_header_is_libpcaps_byte_for_byte()
    {
        // The empty capture of the ioppytest messages library: snap length 200, link type 0.
        var stream = new MemoryStream();
        _ = new PcapWriter(stream, (LinkType)0, 200);
        Assert.Equal("1MOyoQIABAAAAAAAAAAAAMgAAAAAAAAA", Convert.ToBase64String(stream.ToArray()));
    }

    [Fact]
    public void The_header_carries_link_type_and_snap_length()
    {
        var stream = new MemoryStream();
        var writer = new PcapWriter(stream, LinkType.RawIp, PcapWriter.SnifferSnapLength);
        var file = CaptureFileReader.ReadPcap(stream.ToArray());
        Assert.Equal((2, 4), (file.VersionMajor, file.VersionMinor));
        Assert.Equal(101u, file.LinkType);
        Assert.Equal(2000, file.SnapLength);
        Assert.Empty(file.Records);
        Assert.Equal(24, writer.Length);
    }

    [Fact]
    public void A_record_has_seconds_microseconds_lengths_and_the_bytes()
    {
        var stream = new MemoryStream();
        var writer = new PcapWriter(stream, LinkType.RawIp);
        writer.Write(Ip(SamplePackets.EchoRequestV6, 1524036417.123456));
        writer.Write(Ip(SamplePackets.EchoRequestV4, 1524036418));
        var records = CaptureFileReader.ReadPcap(stream.ToArray()).Records;
        Assert.Equal(2, records.Count);
        Assert.Equal((1524036417u, 123456u), (records[0].Seconds, records[0].Microseconds));
        Assert.Equal((uint)SamplePackets.EchoRequestV6.Length, records[0].IncludedLength);
        Assert.Equal((uint)SamplePackets.EchoRequestV6.Length, records[0].OriginalLength);
        Assert.Equal(SamplePackets.EchoRequestV6, records[0].Data);
        Assert.Equal((1524036418u, 0u), (records[1].Seconds, records[1].Microseconds));
        Assert.Equal(SamplePackets.EchoRequestV4, records[1].Data);
        Assert.Equal(stream.Length, writer.Length);
        Assert.Equal(2, writer.Records);
    }

    [Fact]
    public void A_packet_longer_than_the_snap_length_is_cut_and_keeps_its_original_length()
    {
        var stream = new MemoryStream();
        var writer = new PcapWriter(stream, LinkType.RawIp, snapLength: 10);
        Assert.True(writer.Write(Ip(SamplePackets.EchoRequestV6, 1)));
        Assert.False(writer.Write(Ip(SamplePackets.EchoRequestV6[..10], 2)));
        var record = CaptureFileReader.ReadPcap(stream.ToArray()).Records[0];
        Assert.Equal(10u, record.IncludedLength);
        Assert.Equal((uint)SamplePackets.EchoRequestV6.Length, record.OriginalLength);
        Assert.Equal(SamplePackets.EchoRequestV6[..10], record.Data);
    }

    [Fact]
    public void Each_record_goes_out_in_one_write_and_is_flushed()
    {
        var stream = new RecordingStream();
        var writer = new PcapWriter(stream, LinkType.RawIp);
        writer.Write(Ip(SamplePackets.EchoRequestV6, 1));
        Assert.Equal([24, 16 + SamplePackets.EchoRequestV6.Length], stream.Writes);
        Assert.Equal(2, stream.Flushes);
    }

    [Fact]
    public void A_classic_file_refuses_a_record_of_another_link_type()
    {
        var writer = new PcapWriter(new MemoryStream(), LinkType.RawIp);
        var frame = Ip([1, 2, 3], 1) with { LinkType = LinkType.Ieee802154NoFcs };
        Assert.False(writer.Accepts(LinkType.Ieee802154NoFcs));
        Assert.Throws<ArgumentException>(() => writer.Write(frame));
    }

    [Fact]
    public void Header_fields_are_little_endian()
    {
        var stream = new MemoryStream();
        _ = new PcapWriter(stream, LinkType.Ieee802154NoFcs, 65535);
        var bytes = stream.ToArray();
        Assert.Equal([0xD4, 0xC3, 0xB2, 0xA1], bytes[..4]);
        Assert.Equal(230u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(20)));
        Assert.Equal([0xFF, 0xFF, 0, 0], bytes[16..20]);
    }
}
