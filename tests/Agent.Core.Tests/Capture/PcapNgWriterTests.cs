using System.Buffers.Binary;
using System.Text;
using Agent.Core.Capture;
using Agent.Testing;

namespace Agent.Core.Tests.Capture;

public sealed class PcapNgWriterTests
{
    private static readonly byte[] Frame802154 = [65, 216, 206, 205, 171, 255, 255, 156, 237, 51, 4, 0, 75, 18, 0];

    private static CaptureRecord Record(string agent, LinkType linkType, byte[] data, double seconds) =>
        new(agent, linkType, DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond)), data, "tun0",
            linkType == LinkType.RawIp ? $"fromAgent.{agent}.ip.tun.packet.raw" : $"fromAgent.{agent}.802154.serial.packet.raw");

    [Fact]
    public void The_section_header_block_is_version_1_0_of_unknown_length_naming_the_application()
    {
        var stream = new MemoryStream();
        var writer = new PcapNgWriter(stream);
        var bytes = stream.ToArray();
        var shb = CaptureFileReader.Blocks(bytes).Single();
        Assert.Equal(0x0A0D0D0Au, shb.Type);
        Assert.Equal([0x4D, 0x3C, 0x2B, 0x1A], shb.Body[..4]); // byte-order magic, little-endian
        Assert.Equal((ushort)1, BinaryPrimitives.ReadUInt16LittleEndian(shb.Body.AsSpan(4)));
        Assert.Equal((ushort)0, BinaryPrimitives.ReadUInt16LittleEndian(shb.Body.AsSpan(6)));
        Assert.Equal(-1L, BinaryPrimitives.ReadInt64LittleEndian(shb.Body.AsSpan(8)));
        Assert.Equal("agent capture", CaptureFileReader.Options(shb.Body, 16)[4]);
        Assert.Equal(bytes.Length, writer.Length);
    }

    [Fact]
    public void Each_agent_is_an_interface_named_after_it_with_its_link_type()
    {
        var stream = new MemoryStream();
        var writer = new PcapNgWriter(stream);
        writer.Write(Record("agent_1", LinkType.RawIp, SamplePackets.EchoRequestV6, 1));
        writer.Write(Record("agent_2", LinkType.RawIp, SamplePackets.EchoRequestV4, 2));
        writer.Write(Record("agent_1", LinkType.RawIp, SamplePackets.EchoRequestV6, 3));
        writer.Write(Record("agent_3", LinkType.Ieee802154NoFcs, Frame802154, 4));
        // An agent with both kinds of traffic gets a second interface.
        writer.Write(Record("agent_1", LinkType.Ieee802154NoFcs, Frame802154, 5));

        var file = CaptureFileReader.ReadPcapNg(stream.ToArray());
        Assert.Equal(
            [("agent_1", (ushort)101), ("agent_2", (ushort)101), ("agent_3", (ushort)230), ("agent_1", (ushort)230)],
            file.Interfaces.Select(i => (i.Options[PcapNgWriter.IfName], i.LinkType)));
        Assert.Equal("fromAgent.agent_3.802154.serial.packet.raw", file.Interfaces[2].Options[PcapNgWriter.IfDescription]);
        Assert.All(file.Interfaces, i => Assert.Equal(65535u, i.SnapLength));
        Assert.Equal([0u, 1u, 0u, 2u, 3u], file.Packets.Select(p => p.InterfaceId));
        Assert.Equal(["agent_1", "agent_2", "agent_1", "agent_3", "agent_1"], file.Packets.Select(file.InterfaceNameOf));
        Assert.Equal(writer.Interfaces, [("agent_1", LinkType.RawIp), ("agent_2", LinkType.RawIp), ("agent_3", LinkType.Ieee802154NoFcs), ("agent_1", LinkType.Ieee802154NoFcs)]);
    }

    [Fact]
    public void The_interface_description_block_is_laid_out_as_the_spec_says()
    {
        var stream = new MemoryStream();
        var writer = new PcapNgWriter(stream);
        var before = (int)stream.Length;
        writer.Write(Record("agent_1", LinkType.RawIp, SamplePackets.EchoRequestV6, 1));
        var bytes = stream.ToArray()[before..];
        var name = "agent_1"u8.ToArray();
        var key = Encoding.UTF8.GetBytes("fromAgent.agent_1.ip.tun.packet.raw");
        byte[] expected =
        [
            1, 0, 0, 0, // block type
            .. LittleEndian(8 + 8 + 4 + 8 + 4 + 36 + 4 + 4), // block length: header, fields, if_name, if_description, end, trailer
            101, 0, 0, 0, // link type, reserved
            0xff, 0xff, 0, 0, // snap length 65535
            2, 0, 7, 0, .. name, 0, // if_name, padded to 8
            3, 0, (byte)key.Length, 0, .. key, 0, // if_description (35 bytes), padded to 36
            0, 0, 0, 0, // end of options
            .. LittleEndian(8 + 8 + 4 + 8 + 4 + 36 + 4 + 4),
        ];
        Assert.Equal(expected, bytes[..expected.Length]);
    }

    [Fact]
    public void An_enhanced_packet_block_has_the_interface_microsecond_timestamp_lengths_and_padded_bytes()
    {
        var stream = new MemoryStream();
        var writer = new PcapNgWriter(stream);
        writer.Write(Record("agent_1", LinkType.RawIp, SamplePackets.EchoRequestV4, 1524036417.123456));
        var epb = CaptureFileReader.Blocks(stream.ToArray())[^1];
        Assert.Equal(6u, epb.Type);
        Assert.Equal(20 + 28, epb.Body.Length); // 28-byte packet needs no padding
        var packet = CaptureFileReader.ReadPcapNg(stream.ToArray()).Packets.Single();
        Assert.Equal(1524036417123456ul, packet.Timestamp);
        Assert.Equal((28u, 28u), (packet.CapturedLength, packet.OriginalLength));
        Assert.Equal(SamplePackets.EchoRequestV4, packet.Data);

        writer.Write(Record("agent_1", LinkType.RawIp, [1, 2, 3, 4, 5], 2));
        var padded = CaptureFileReader.Blocks(stream.ToArray())[^1];
        Assert.Equal(20 + 8, padded.Body.Length);
        Assert.Equal([1, 2, 3, 4, 5, 0, 0, 0], padded.Body[20..]);
    }

    [Fact]
    public void A_packet_longer_than_the_snap_length_is_cut_and_keeps_its_original_length()
    {
        var stream = new MemoryStream();
        var writer = new PcapNgWriter(stream);
        var huge = Enumerable.Range(0, 300_000).Select(i => (byte)i).ToArray();
        Assert.True(writer.Write(Record("agent_1", LinkType.RawIp, huge, 1)));
        Assert.False(writer.Write(Record("agent_1", LinkType.RawIp, SamplePackets.EchoRequestV6, 2)));

        var packets = CaptureFileReader.ReadPcapNg(stream.ToArray()).Packets;
        Assert.Equal((65535u, 300_000u), (packets[0].CapturedLength, packets[0].OriginalLength));
        Assert.Equal(huge[..65535], packets[0].Data);
        Assert.Equal(SamplePackets.EchoRequestV6, packets[1].Data); // and the file reads on after it
    }

    [Fact]
    public void A_new_interface_and_its_first_packet_go_out_in_one_flushed_write()
    {
        var stream = new RecordingStream();
        var writer = new PcapNgWriter(stream);
        writer.Write(Record("agent_1", LinkType.RawIp, SamplePackets.EchoRequestV6, 1));
        writer.Write(Record("agent_1", LinkType.RawIp, SamplePackets.EchoRequestV6, 2));
        Assert.Equal(3, stream.Writes.Count);
        Assert.Equal(3, stream.Flushes);
        Assert.Equal(2, CaptureFileReader.ReadPcapNg(stream.ToArray()).Packets.Count);
        Assert.Equal(stream.Length, writer.Length);
        Assert.Equal(2, writer.Records);
    }

    private static byte[] LittleEndian(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return bytes;
    }
}
