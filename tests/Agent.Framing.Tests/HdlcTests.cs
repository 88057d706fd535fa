using Agent.Testing;
using System.Text.Json;
using Agent.Framing;
using CsCheck;

namespace Agent.Framing.Tests;

public class HdlcTests
{
    private static readonly JsonElement[] OpenWsn = [.. Vectors.Load("hdlc-openwsn.json").GetProperty("vectors").EnumerateArray()];

    public static TheoryData<int> VectorIndexes() => [.. Enumerable.Range(0, OpenWsn.Length)];

    [Fact]
    public void Has_the_vectors() => Assert.True(OpenWsn.Length >= 10);

    [Theory]
    [MemberData(nameof(VectorIndexes))]
    public void Encodes_vector(int index)
    {
        var vector = OpenWsn[index];
        Assert.Equal(Convert.ToHexStringLower(vector.Hex("frame_hex")), Convert.ToHexStringLower(FrameStreams.Encode(new HdlcEncoder(), vector.Hex("payload_hex"))));
    }

    [Theory]
    [MemberData(nameof(VectorIndexes))]
    public void Decodes_vector_whole_and_byte_by_byte(int index)
    {
        var vector = OpenWsn[index];
        var frame = vector.Hex("frame_hex");
        foreach (var chunking in new[] { new[] { 1000 }, [1] })
        {
            var sink = new RecordingSink();
            FrameStreams.Feed(new HdlcDecoder(), frame, chunking, sink);
            Assert.Empty(sink.Drops);
            var decoded = Assert.Single(sink.Frames);
            Assert.Equal(vector.Hex("payload_hex"), decoded.Payload);
            Assert.Equal(frame, decoded.Wire);
        }
    }

    [Fact]
    public void Delivers_a_frame_of_only_an_fcs_as_an_empty_payload()
    {
        var sink = new RecordingSink();
        new HdlcDecoder().Decode(Convert.FromHexString("7e00007e"), sink);
        var frame = Assert.Single(sink.Frames);
        Assert.Empty(frame.Payload);
        Assert.Equal("7e00007e", Convert.ToHexStringLower(frame.Wire));
    }

    [Fact]
    public void Ignores_empty_frames_and_bytes_before_the_first_flag()
    {
        var sink = new RecordingSink();
        new HdlcDecoder().Decode(Convert.FromHexString("4142437e7e7e4458f47e7e"), sink);
        Assert.Empty(sink.Drops);
        Assert.Equal(["44"], sink.PayloadsHex);
        Assert.Equal("7e4458f47e", Convert.ToHexStringLower(sink.Frames[0].Wire));
    }

    [Fact]
    public void Accepts_an_escape_before_any_byte()
    {
        // 0x44 sent needlessly escaped as 7D 64, and the FCS low byte 0x58 as 7D 78.
        var sink = new RecordingSink();
        new HdlcDecoder().Decode(Convert.FromHexString("7e7d647d78f47e"), sink);
        Assert.Equal(["44"], sink.PayloadsHex);
    }

    [Fact]
    public void Shares_a_flag_between_two_frames()
    {
        var sink = new RecordingSink();
        new HdlcDecoder().Decode(Convert.FromHexString("7e4458f47ed8bdaa7e"), sink);
        Assert.Equal(["44", "d8"], sink.PayloadsHex);
        Assert.Equal(["7e4458f47e", "7ed8bdaa7e"], sink.Frames.Select(f => Convert.ToHexStringLower(f.Wire)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OpenThread_escapes_are_an_option(bool openThreadEscapes)
    {
        byte[] payload = [0x11, 0x13, 0xF8, 0x7E];
        var wire = FrameStreams.Encode(new HdlcEncoder(openThreadEscapes), payload);
        Assert.Equal(openThreadEscapes, !wire.AsSpan(1, wire.Length - 2).ContainsAny((byte)0x11, (byte)0x13, (byte)0xF8));
        var sink = new RecordingSink();
        new HdlcDecoder().Decode(wire, sink);
        Assert.Equal(payload, Assert.Single(sink.Frames).Payload);
    }

    [Fact]
    public void Drops_a_bad_fcs_once_and_keeps_the_next_frame()
    {
        var bad = FrameStreams.Encode(new HdlcEncoder(), [0x44, 0x01, 0x02]);
        bad[2] ^= 0x01;
        var wire = FrameStreams.EncodeAll(new HdlcEncoder(), [[0x53, 0x01]]);
        foreach (var chunking in new[] { new[] { 1000 }, [1] })
        {
            var sink = new RecordingSink();
            FrameStreams.Feed(new HdlcDecoder(), [.. bad, .. wire], chunking, sink);
            Assert.Equal([FrameError.BadFcs], sink.Drops);
            Assert.Equal(["5301"], sink.PayloadsHex);
        }
    }

    [Fact]
    public void Drops_a_one_byte_frame_as_bad_fcs()
    {
        var sink = new RecordingSink();
        new HdlcDecoder().Decode(Convert.FromHexString("7e447e4458f47e"), sink);
        Assert.Equal([FrameError.BadFcs], sink.Drops);
        Assert.Equal(["44"], sink.PayloadsHex);
    }

    [Fact]
    public void Drops_an_escape_before_a_flag_and_keeps_the_next_frame()
    {
        foreach (var chunking in new[] { new[] { 1000 }, [1] })
        {
            var sink = new RecordingSink();
            // The flag after 7D closes the bad frame and opens the good one.
            FrameStreams.Feed(new HdlcDecoder(), Convert.FromHexString("7e41427d7e4458f47e"), chunking, sink);
            Assert.Equal([FrameError.BadEscape], sink.Drops);
            Assert.Equal(["44"], sink.PayloadsHex);
            Assert.Equal("7e4458f47e", Convert.ToHexStringLower(sink.Frames[0].Wire));
        }
    }

    [Fact]
    public void Drops_an_oversize_frame_once_and_keeps_the_next_frame()
    {
        var longest = Enumerable.Repeat((byte)0x41, 16).ToArray();
        var tooLong = Enumerable.Repeat((byte)0x7E, 17).ToArray();
        var wire = FrameStreams.EncodeAll(new HdlcEncoder(), [tooLong, longest, [0x01]]);
        foreach (var chunking in new[] { new[] { 1000 }, [1], [5] })
        {
            var sink = new RecordingSink();
            FrameStreams.Feed(new HdlcDecoder(maxPayloadLength: 16), wire, chunking, sink);
            Assert.Equal([FrameError.Oversize], sink.Drops);
            Assert.Equal([Convert.ToHexStringLower(longest), "01"], sink.PayloadsHex);
        }
    }

    [Fact]
    public void Reset_forgets_a_partial_frame()
    {
        var decoder = new HdlcDecoder();
        var sink = new RecordingSink();
        decoder.Decode(Convert.FromHexString("7e4142"), sink);
        decoder.Reset();
        decoder.Decode(Convert.FromHexString("4344457e4458f47e"), sink);
        Assert.Empty(sink.Drops);
        Assert.Equal(["44"], sink.PayloadsHex);
    }

    [Fact]
    public void Round_trips_every_length_under_random_chunking()
    {
        var random = new Random(1662);
        var encoder = new HdlcEncoder();
        var decoder = new HdlcDecoder();
        for (var length = 0; length <= 2000; length++)
        {
            var payload = FrameStreams.RandomPayload(random, length);
            var wire = FrameStreams.Encode(encoder, payload);
            var sink = new RecordingSink();
            FrameStreams.Feed(decoder, wire, FrameStreams.RandomChunking(random), sink);
            Assert.Empty(sink.Drops);
            var frame = Assert.Single(sink.Frames);
            Assert.Equal(payload, frame.Payload);
            Assert.Equal(wire, frame.Wire);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Round_trips_frames_back_to_back(bool openThreadEscapes)
    {
        var encoder = new HdlcEncoder(openThreadEscapes);
        Gen.Select(FrameStreams.Byte.Array[0, 2000].Array[1, 5], FrameStreams.Chunking).Sample((payloads, chunking) =>
        {
            var sink = new RecordingSink();
            FrameStreams.Feed(new HdlcDecoder(), FrameStreams.EncodeAll(encoder, payloads), chunking, sink);
            Assert.Empty(sink.Drops);
            Assert.Equal(payloads, sink.Frames.Select(f => f.Payload));
            Assert.Equal(payloads.Select(p => FrameStreams.Encode(encoder, p)), sink.Frames.Select(f => f.Wire));
        }, iter: 300);
    }

    [Fact]
    public void Survives_garbage_delivers_only_checked_frames_and_resynchronises()
    {
        const int max = 64;
        var good = new byte[] { 0x44, 0x7E, 0x7D, 0x01 };
        Gen.Select(FrameStreams.Byte.Array[0, 5000], FrameStreams.Chunking).Sample((garbage, chunking) =>
        {
            var sink = new RecordingSink();
            FrameStreams.Feed(new HdlcDecoder(max), [.. garbage, .. FrameStreams.Encode(new HdlcEncoder(), good)], chunking, sink);
            Assert.All(sink.Frames, f =>
            {
                Assert.InRange(f.Payload.Length, 0, max);
                var content = ReferenceUnescape(f.Wire);
                Assert.Equal(Fcs16.GoodResidue, Fcs16.Update(Fcs16.Initial, content));
                Assert.Equal(f.Payload, content[..^2]);
            });
            Assert.Equal(good, sink.Frames[^1].Payload);
        }, iter: 300);
    }

    [Fact]
    public void Random_bytes_between_flags_never_pass_a_bad_fcs()
    {
        // Frames of random content: only those whose FCS happens to check may come out.
        Gen.Select(FrameStreams.Byte.Where(b => b != 0x7E).Array[0, 40].Array[1, 50], FrameStreams.Chunking).Sample((bodies, chunking) =>
        {
            var stream = bodies.SelectMany(b => (byte[])[0x7E, .. b]).Append((byte)0x7E).ToArray();
            var sink = new RecordingSink();
            FrameStreams.Feed(new HdlcDecoder(), stream, chunking, sink);
            Assert.All(sink.Frames, f => Assert.Equal(Fcs16.GoodResidue, Fcs16.Update(Fcs16.Initial, ReferenceUnescape(f.Wire))));
            Assert.Equal(bodies.Count(b => b.Length > 0) - sink.Frames.Count, sink.Drops.Count);
        }, iter: 300);
    }

    /// <summary>A plain reading of one frame's wire bytes (flags stripped, escapes undone), independent of the decoder.</summary>
    private static byte[] ReferenceUnescape(byte[] wire)
    {
        Assert.Equal(0x7E, wire[0]);
        Assert.Equal(0x7E, wire[^1]);
        var content = new List<byte>();
        for (var i = 1; i < wire.Length - 1; i++)
        {
            Assert.NotEqual(0x7E, wire[i]);
            content.Add(wire[i] == 0x7D ? (byte)(wire[++i] ^ 0x20) : wire[i]);
        }
        return [.. content];
    }
}
