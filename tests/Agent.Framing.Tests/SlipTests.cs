using Agent.Testing;
using System.Text.Json;
using Agent.Framing;
using CsCheck;

namespace Agent.Framing.Tests;

public class SlipTests
{
    private static readonly JsonElement Slip = Vectors.Load("slip.json");

    public static TheoryData<string> Cases(string section) =>
        [.. Slip.GetProperty(section).EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];

    private static JsonElement Case(string section, string name) =>
        Slip.GetProperty(section).EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    [Theory]
    [MemberData(nameof(Cases), "encode")]
    public void Encodes_vector(string name)
    {
        var vector = Case("encode", name);
        Assert.Equal(Convert.ToHexStringLower(vector.Hex("wire_hex")), Convert.ToHexStringLower(FrameStreams.Encode(new SlipEncoder(), vector.Hex("payload_hex"))));
    }

    [Theory]
    [MemberData(nameof(Cases), "encode_xonxoff")]
    public void Encodes_xonxoff_vector_with_the_option(string name)
    {
        var vector = Case("encode_xonxoff", name);
        Assert.Equal(Convert.ToHexStringLower(vector.Hex("wire_hex")), Convert.ToHexStringLower(FrameStreams.Encode(new SlipEncoder(escapeXonXoff: true), vector.Hex("payload_hex"))));
    }

    [Fact]
    public void Leaves_xon_and_xoff_alone_without_the_option()
    {
        Assert.Equal("c0011102131303c0", Convert.ToHexStringLower(FrameStreams.Encode(new SlipEncoder(), [0x01, 0x11, 0x02, 0x13, 0x13, 0x03])));
    }

    [Theory]
    [MemberData(nameof(Cases), "decode")]
    public void Decodes_vector_whole_and_byte_by_byte(string name)
    {
        var vector = Case("decode", name);
        var wire = vector.Hex("wire_hex");
        var expected = vector.GetProperty("frames_hex").EnumerateArray().Select(f => f.GetString()!).ToArray();

        var whole = new RecordingSink();
        new SlipDecoder().Decode(wire, whole);
        Assert.Equal(expected, whole.PayloadsHex);

        var bytewise = new RecordingSink();
        FrameStreams.Feed(new SlipDecoder(), wire, [1], bytewise);
        Assert.Equal(expected, bytewise.PayloadsHex);
        Assert.Equal(whole.Drops, bytewise.Drops);
    }

    [Theory]
    [InlineData("c04142c0", new[] { "c04142c0" })]
    [InlineData("4142c0", new[] { "4142c0" })]
    [InlineData("c06869c06a6bc0", new[] { "c06869c0", "c06a6bc0" })]
    [InlineData("c0c0c06869c0c0", new[] { "c06869c0" })]
    [InlineData("c001dbdc02c0", new[] { "c001dbdc02c0" })]
    public void Reports_the_wire_bytes_with_both_ends(string wireHex, string[] expectedWires)
    {
        foreach (var chunking in new[] { new[] { 1000 }, [1], [2, 3] })
        {
            var sink = new RecordingSink();
            FrameStreams.Feed(new SlipDecoder(), Convert.FromHexString(wireHex), chunking, sink);
            Assert.Equal(expectedWires, sink.Frames.Select(f => Convert.ToHexStringLower(f.Wire)));
        }
    }

    [Fact]
    public void Decodes_xon_xoff_escapes_without_being_asked()
    {
        var sink = new RecordingSink();
        new SlipDecoder().Decode(Convert.FromHexString("c001dbde02dbdf03c0"), sink);
        Assert.Equal(["0111021303"], sink.PayloadsHex);
    }

    [Theory]
    [InlineData("c0db41c0c06869c0")] // ESC then a plain byte
    [InlineData("c04142dbc06869c0")] // ESC then END: the END still opens the next frame
    [InlineData("c0dbdb4142c06869c0")] // ESC ESC
    public void Drops_a_bad_escape_once_and_keeps_the_next_frame(string wireHex)
    {
        var wire = Convert.FromHexString(wireHex);
        foreach (var chunking in new[] { new[] { 1000 }, [1] })
        {
            var sink = new RecordingSink();
            FrameStreams.Feed(new SlipDecoder(), wire, chunking, sink);
            Assert.Equal([FrameError.BadEscape], sink.Drops);
            Assert.Equal(["6869"], sink.PayloadsHex);
            Assert.Equal("c06869c0", Convert.ToHexStringLower(sink.Frames[0].Wire));
        }
    }

    [Fact]
    public void Drops_an_oversize_frame_once_and_keeps_the_next_frame()
    {
        var longest = Enumerable.Repeat((byte)0x41, 16).ToArray();
        var tooLong = Enumerable.Repeat((byte)0xC0, 17).ToArray(); // escaped: 34 wire bytes
        var wire = FrameStreams.EncodeAll(new SlipEncoder(), [tooLong, longest, [0x01, 0x02]]);
        foreach (var chunking in new[] { new[] { 1000 }, [1], [5] })
        {
            var sink = new RecordingSink();
            FrameStreams.Feed(new SlipDecoder(maxPayloadLength: 16), wire, chunking, sink);
            Assert.Equal([FrameError.Oversize], sink.Drops);
            Assert.Equal([Convert.ToHexStringLower(longest), "0102"], sink.PayloadsHex);
        }
    }

    [Fact]
    public void Reset_forgets_a_partial_frame()
    {
        var decoder = new SlipDecoder();
        var sink = new RecordingSink();
        decoder.Decode(Convert.FromHexString("c04142db"), sink);
        decoder.Reset();
        decoder.Decode(Convert.FromHexString("4344c0"), sink);
        Assert.Equal(["4344"], sink.PayloadsHex);
        Assert.Equal("4344c0", Convert.ToHexStringLower(sink.Frames[0].Wire));
        Assert.Empty(sink.Drops);
    }

    [Fact]
    public void Round_trips_every_length_under_random_chunking()
    {
        var random = new Random(1055);
        var encoder = new SlipEncoder();
        var decoder = new SlipDecoder();
        for (var length = 0; length <= 2000; length++)
        {
            var payload = FrameStreams.RandomPayload(random, length);
            var wire = FrameStreams.Encode(encoder, payload);
            var sink = new RecordingSink();
            FrameStreams.Feed(decoder, wire, FrameStreams.RandomChunking(random), sink);
            Assert.Empty(sink.Drops);
            if (length == 0)
            {
                Assert.Empty(sink.Frames); // an empty frame is ignored
                continue;
            }
            var frame = Assert.Single(sink.Frames);
            Assert.Equal(payload, frame.Payload);
            Assert.Equal(wire, frame.Wire);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Round_trips_frames_back_to_back(bool escapeXonXoff)
    {
        var encoder = new SlipEncoder(escapeXonXoff);
        Gen.Select(FrameStreams.Byte.Array[1, 2000].Array[1, 5], FrameStreams.Chunking).Sample((payloads, chunking) =>
        {
            var sink = new RecordingSink();
            FrameStreams.Feed(new SlipDecoder(), FrameStreams.EncodeAll(encoder, payloads), chunking, sink);
            Assert.Empty(sink.Drops);
            Assert.Equal(payloads, sink.Frames.Select(f => f.Payload));
            Assert.Equal(payloads.Select(p => FrameStreams.Encode(encoder, p)), sink.Frames.Select(f => f.Wire));
            if (escapeXonXoff) Assert.All(sink.Frames, f => Assert.DoesNotContain(f.Wire, b => b is 0x11 or 0x13));
        }, iter: 300);
    }

    [Fact]
    public void Survives_garbage_and_resynchronises()
    {
        const int max = 64;
        var good = new byte[] { 0x60, 0xC0, 0xDB, 0x01 };
        Gen.Select(FrameStreams.Byte.Array[0, 5000], FrameStreams.Chunking).Sample((garbage, chunking) =>
        {
            var sink = new RecordingSink();
            FrameStreams.Feed(new SlipDecoder(max), [.. garbage, .. FrameStreams.Encode(new SlipEncoder(), good)], chunking, sink);
            Assert.All(sink.Frames, f =>
            {
                Assert.InRange(f.Payload.Length, 1, max);
                Assert.Equal(f.Payload, ReferenceDecode(f.Wire));
            });
            Assert.Equal(good, sink.Frames[^1].Payload);
        }, iter: 300);
    }

    /// <summary>A plain reading of one frame's wire bytes, independent of the decoder.</summary>
    private static byte[] ReferenceDecode(byte[] wire)
    {
        Assert.Equal(0xC0, wire[^1]);
        var body = wire.AsSpan(0, wire.Length - 1);
        if (body.Length > 0 && body[0] == 0xC0) body = body[1..];
        var payload = new List<byte>();
        for (var i = 0; i < body.Length; i++)
        {
            Assert.NotEqual(0xC0, body[i]);
            if (body[i] != 0xDB) { payload.Add(body[i]); continue; }
            payload.Add(body[++i] switch { 0xDC => 0xC0, 0xDD => 0xDB, 0xDE => 0x11, 0xDF => 0x13, var b => throw new Xunit.Sdk.XunitException($"bad escape {b:x2} delivered") });
        }
        return [.. payload];
    }
}
