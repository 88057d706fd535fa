using Agent.Framing;
using Agent.Connectors.Serial.OpenWsn;
using Agent.Testing;
using Agent.Core.Addressing;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.Tests.OpenWsn;

public class MoteFrameParserTests
{
    private static MoteFrame Parse(string hex) => MoteFrameParser.Parse(Convert.FromHexString(hex));

    [Fact]
    public void Status_vectors_give_the_idmanager_fields_and_recognise_the_other_elements()
    {
        var frames = Vectors.Load("openwsn/status_frames.json").GetProperty("status_frames").EnumerateArray().ToList();
        Assert.Equal(5, frames.Count);

        var before = Assert.IsType<MoteFrame.IdManager>(Parse(frames[0].GetProperty("raw_frame_hex").GetString()!));
        Assert.Equal(new MoteFrame.IdManager(1, false, 0xCAFE, 1, MeshVectors.Root, Ipv6Prefix.LinkLocal), before);

        var after = Assert.IsType<MoteFrame.IdManager>(Parse(frames[1].GetProperty("raw_frame_hex").GetString()!));
        Assert.Equal(new MoteFrame.IdManager(1, true, 0xCAFE, 1, MeshVectors.Root, MeshVectors.Prefix), after);

        // The fields OV parsed byte by byte.
        foreach (var (frame, parsed) in new[] { (frames[0], before), (frames[1], after) })
        {
            var ov = frame.GetProperty("openvisualizer_parse").GetProperty("fields");
            Assert.Equal(ov.GetProperty("isDAGroot").GetInt32() == 1, parsed.IsDagRoot);
            Assert.Equal(ov.GetProperty("myPANID_0").GetInt32() | ov.GetProperty("myPANID_1").GetInt32() << 8, parsed.PanId);
            var eui = Enumerable.Range(0, 8).Select(i => (byte)ov.GetProperty($"my64bID_{i}").GetInt32()).ToArray();
            Assert.Equal(Eui64.Read(eui), parsed.Eui64);
            var prefix = Enumerable.Range(0, 8).Select(i => (byte)ov.GetProperty($"myPrefix_{i}").GetInt32()).ToArray();
            Assert.Equal(prefix, parsed.Prefix.ToBytes());
        }

        Assert.Equal(new MoteFrame.Status(1, OpenWsnStatusElement.IsSync), Parse(frames[2].GetProperty("raw_frame_hex").GetString()!));
        Assert.Equal(new MoteFrame.Status(1, OpenWsnStatusElement.MyDagRank), Parse(frames[3].GetProperty("raw_frame_hex").GetString()!));
        Assert.Equal(new MoteFrame.Status(1, OpenWsnStatusElement.Asn), Parse(frames[4].GetProperty("raw_frame_hex").GetString()!));
    }

    [Fact]
    public void Status_vectors_parse_the_same_after_xonxoff_and_hdlc()
    {
        foreach (var frame in Vectors.Load("openwsn/status_frames.json").GetProperty("status_frames").EnumerateArray())
        {
            // Only some have uart_wire_hex (XON/XOFF-escaped); the others are given as HDLC only.
            var escaped = frame.TryGetProperty("uart_wire_hex", out var w);
            var wire = escaped ? w.GetString()! : frame.GetProperty("hdlc_frame_hex").GetString()!;
            Assert.Equal(Parse(frame.GetProperty("raw_frame_hex").GetString()!), Assert.Single(DecodeWire(wire, raw => MoteFrameParser.Parse(raw), escaped)));
        }
    }

    [Fact]
    public void Log_vectors_give_severity_component_code_and_big_endian_args()
    {
        var expectedSeverities = new Dictionary<string, OpenWsnLogSeverity>
        {
            ["E"] = OpenWsnLogSeverity.Error, ["W"] = OpenWsnLogSeverity.Warning, ["C"] = OpenWsnLogSeverity.Critical,
        };
        var logs = Vectors.Load("openwsn/log_frames.json").GetProperty("log_frames").EnumerateArray().ToList();
        Assert.Equal(3, logs.Count);
        foreach (var vector in logs)
        {
            var log = Assert.IsType<MoteFrame.Log>(Parse(vector.GetProperty("raw_frame_hex").GetString()!));
            Assert.Equal((ushort)1, log.MoteId);
            Assert.Equal(expectedSeverities[vector.GetProperty("severity").GetString()!], log.Severity);
            Assert.Equal(Convert.ToByte(vector.GetProperty("component").GetString()![2..4], 16), log.Component);
            Assert.Equal(Convert.ToByte(vector.GetProperty("error_code").GetString()![2..], 16), log.Code);
            Assert.Equal(vector.GetProperty("arg1").GetInt32(), log.Arg1);
            Assert.Equal(vector.GetProperty("arg2").GetInt32(), log.Arg2);
            // No uart_wire_hex here, and 0x11 (OPENBRIDGE) is a bare XON on the wire: HDLC only.
            Assert.Equal(log, Assert.Single(DecodeWire(vector.GetProperty("hdlc_frame_hex").GetString()!, raw => MoteFrameParser.Parse(raw), xonXoff: false)));
        }
    }

    [Theory]
    [InlineData("560001010200010002", OpenWsnLogSeverity.Verbose)]
    [InlineData("490001010200010002", OpenWsnLogSeverity.Info)]
    [InlineData("550001014f00000000", OpenWsnLogSeverity.Success)]
    public void Every_log_letter_has_its_severity(string hex, OpenWsnLogSeverity severity) =>
        Assert.Equal(severity, Assert.IsType<MoteFrame.Log>(Parse(hex)).Severity);

    [Fact]
    public void Echo_reply_is_the_bytes_from_offset_8_only_when_the_caller_is_probing()
    {
        var probe = Vectors.Load("openwsn/serial_echo_probe.json").GetProperty("serial_echo_probe");
        var raw = probe.Hex("mote_to_pc_raw_hex");
        var sent = probe.Hex("pc_to_mote_raw_hex")[1..]; // 'S' + the 10 random bytes

        var reply = Assert.IsType<MoteFrame.EchoReply>(MoteFrameParser.ParseEchoReply(raw));
        Assert.Equal(sent, reply.Echoed.ToArray());
        Assert.Equal((ushort)1, reply.MoteId);
        Assert.Equal(0x12345UL, reply.Asn);

        var wire = DecodeWire(probe.GetProperty("mote_to_pc_uart_wire_hex").GetString()!, raw => MoteFrameParser.ParseEchoReply(raw));
        Assert.Equal(sent, Assert.IsType<MoteFrame.EchoReply>(Assert.Single(wire)).Echoed.ToArray());

        // Outside probing the same 18 bytes are a D frame too short for B.1's 24-byte header.
        Assert.Equal(new MoteFrame.Ignored((byte)'D', DropReason.OpenWsnShortFrame), MoteFrameParser.Parse(raw));
        // While probing, status and log frames still parse as usual.
        Assert.IsType<MoteFrame.Status>(MoteFrameParser.ParseEchoReply(Convert.FromHexString("5300010001")));
        Assert.Equal(new MoteFrame.Ignored((byte)'D', DropReason.OpenWsnShortFrame), MoteFrameParser.ParseEchoReply(Convert.FromHexString("44000145")));
    }

    [Theory]
    [MemberData(nameof(MeshVectors.DataCases), MemberType = typeof(MeshVectors))]
    public void Data_vectors_give_the_d_header_and_the_lowpan_bytes(int index)
    {
        var vector = MeshVectors.Data[index];
        var header = vector.GetProperty("header");
        var data = MeshVectors.ParseData(vector.GetProperty("raw_frame_hex").GetString()!);

        Assert.Equal(Convert.ToUInt16(header.GetProperty("moteId16").GetString(), 16), data.MoteId);
        Assert.Equal(0x12345UL, data.Asn); // asn_5B_little_endian 4523010000
        Assert.Equal(Eui64.Parse(header.GetProperty("dagroot_eui64_called_dest_by_ov").GetString()!), data.Root);
        Assert.Equal(Eui64.Parse(header.GetProperty("previous_hop_eui64_called_source_by_ov").GetString()!), data.PreviousHop);
        Assert.Equal(vector.GetProperty("lowpan_hex").GetString(), MeshVectors.Hex(data.Lowpan));
        Assert.Equal(data.Lowpan.ToArray(), Assert.IsType<MoteFrame.Data>(Assert.Single(DecodeWire(vector.GetProperty("uart_wire_hex").GetString()!))).Lowpan.ToArray());
    }

    [Fact]
    public void Fragment_and_dao_vectors_give_their_d_headers()
    {
        foreach (var datagram in MeshVectors.Fragmented.EnumerateArray())
        {
            foreach (var frame in datagram.GetProperty("frames").EnumerateArray())
            {
                var data = MeshVectors.ParseData(frame.GetProperty("raw_frame_hex").GetString()!);
                Assert.Equal(MeshVectors.Root, data.Root);
                Assert.Equal(Eui64.Parse(datagram.GetProperty("previous_hop_eui64").GetString()!), data.PreviousHop);
                Assert.Equal(frame.GetProperty("lowpan_hex").GetString(), MeshVectors.Hex(data.Lowpan));
            }
        }
        foreach (var dao in MeshVectors.Daos.EnumerateArray())
            Assert.Equal(dao.GetProperty("lowpan_hex").GetString(), MeshVectors.Hex(MeshVectors.ParseData(dao.GetProperty("raw_frame_hex").GetString()!).Lowpan));
    }

    [Fact]
    public void Asn_is_40_bit_little_endian() =>
        Assert.Equal(0x0504030201UL, MeshVectors.ParseData("44000101020304050000000000000000000000000000000000").Asn);

    [Theory]
    [InlineData("", null, DropReason.OpenWsnEmptyFrame)]
    [InlineData("50000141880102", (byte)'P', DropReason.OpenWsnSniffedPacket)]
    [InlineData("46000145230100006869", (byte)'F', DropReason.OpenWsnPrintf)]
    [InlineData("5a0001", (byte)'Z', DropReason.OpenWsnUnknownFrameType)]
    [InlineData("52", (byte)'R', DropReason.OpenWsnUnknownFrameType)]
    [InlineData("44", (byte)'D', DropReason.OpenWsnShortFrame)]
    [InlineData("4400014523010000141592cc00000001141592cc000000", (byte)'D', DropReason.OpenWsnShortFrame)]
    [InlineData("53", (byte)'S', DropReason.OpenWsnShortFrame)]
    [InlineData("530001", (byte)'S', DropReason.OpenWsnShortFrame)]
    [InlineData("5300010101feca0001141592cc00000001bbbb0000000000", (byte)'S', DropReason.OpenWsnShortFrame)]
    [InlineData("450001114e008c00", (byte)'E', DropReason.OpenWsnShortFrame)]
    [InlineData("43", (byte)'C', DropReason.OpenWsnShortFrame)]
    public void Other_frames_are_classified_for_counting(string hex, byte? type, DropReason reason)
    {
        Assert.Equal(new MoteFrame.Ignored(type, reason), Parse(hex));
    }

    [Fact]
    public void A_d_frame_of_exactly_24_bytes_has_an_empty_datagram() =>
        Assert.True(MeshVectors.ParseData("4400014523010000141592cc00000001141592cc00000002").Lowpan.IsEmpty);

    [Fact]
    public void Unknown_status_ids_are_recognised_and_ignored() =>
        Assert.Equal(new MoteFrame.Status(1, (OpenWsnStatusElement)42), Parse("5300012a0102"));

    [Fact]
    public void Random_frames_never_throw()
    {
        var random = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            var raw = new byte[random.Next(0, 40)];
            random.NextBytes(raw);
            if (raw.Length > 0 && random.Next(2) == 0) raw[0] = "DSVIWUECPF"u8[random.Next(10)];
            Assert.NotNull(MoteFrameParser.Parse(raw));
            Assert.NotNull(MoteFrameParser.ParseEchoReply(raw));
        }
    }

    private static List<MoteFrame> DecodeWire(string wireHex) => DecodeWire(wireHex, raw => MoteFrameParser.Parse(raw));

    private static List<MoteFrame> DecodeWire(string wireHex, Func<byte[], MoteFrame> parse, bool xonXoff = true)
    {
        var wire = Convert.FromHexString(wireHex);
        var filtered = new byte[wire.Length];
        var n = xonXoff ? new XonXoffFilter().Filter(wire, filtered) : wire.Length;
        if (!xonXoff) wire.CopyTo(filtered, 0);
        var sink = new RecordingSink();
        new HdlcDecoder().Decode(filtered.AsSpan(0, n), sink);
        Assert.Empty(sink.Drops);
        return sink.Frames.Select(f => parse(f.Payload)).ToList();
    }
}
