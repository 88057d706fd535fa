using Agent.Testing;
using Agent.Framing;
using FirmwareSim.Faults;

namespace FirmwareSim.Tests;

public class FaultInjectorTests
{
    private static (IFrameEncoder, IFrameDecoder) Codecs(FramingKind framing) => framing == FramingKind.Slip
        ? (new SlipEncoder(), new SlipDecoder())
        : (new HdlcEncoder(), new HdlcDecoder());

    [Theory]
    [InlineData(FramingKind.Slip, FrameError.BadEscape)]
    [InlineData(FramingKind.Hdlc, FrameError.BadFcs)]
    public void Every_nth_frame_is_corrupted_so_that_the_decoder_drops_it(FramingKind framing, FrameError reason)
    {
        var (encoder, decoder) = Codecs(framing);
        var faults = new FaultInjector(framing, garbageEvery: 0, corruptEvery: 3, new Random(1), unknownFirstByteGarbage: true);
        var sink = new FrameCollector();
        var random = new Random(2);
        var payloads = new List<byte[]>();
        for (var i = 0; i < 300; i++)
        {
            var payload = new byte[random.Next(0, 60)];
            random.NextBytes(payload);
            payload = [0x60, .. payload, 0x7E, 0xC0];
            payloads.Add(payload);
            decoder.Decode(faults.Apply(FrameStreams.Encode(encoder, payload)), sink);
        }

        Assert.Equal(100, faults.FramesCorrupted);
        Assert.Equal(100, sink.Drops.Count);
        Assert.All(sink.Drops, d => Assert.Equal(reason, d));
        Assert.Equal(payloads.Where((_, i) => (i + 1) % 3 != 0), sink.Frames);
    }

    [Theory]
    [InlineData(FramingKind.Slip, true)]
    [InlineData(FramingKind.Slip, false)]
    [InlineData(FramingKind.Hdlc, false)]
    public void Garbage_after_every_nth_frame_never_decodes_as_a_valid_frame(FramingKind framing, bool unknownFirstByte)
    {
        var (encoder, decoder) = Codecs(framing);
        var faults = new FaultInjector(framing, garbageEvery: 2, corruptEvery: 0, new Random(3), unknownFirstByte);
        var sink = new FrameCollector();
        var payloads = new List<byte[]>();
        for (var i = 0; i < 1000; i++)
        {
            byte[] payload = [0x60, (byte)i, (byte)(i >> 8)];
            payloads.Add(payload);
            decoder.Decode(faults.Apply(FrameStreams.Encode(encoder, payload)), sink);
        }

        Assert.Equal(500, faults.GarbageBursts);
        // Every real frame arrives; any other frame is one the agent drops by its first byte (PROTOCOL.md 8).
        var garbageFrames = sink.Frames.Where(f => f[0] != 0x60).ToList();
        Assert.Equal(payloads, sink.Frames.Where(f => f[0] == 0x60));
        Assert.All(garbageFrames, f => Assert.Equal(FaultInjector.UnknownFirstByte, f[0]));
        if (!unknownFirstByte) Assert.Empty(garbageFrames);
        Assert.Equal(500, sink.Drops.Count + garbageFrames.Count);
    }

    [Fact]
    public void Off_by_default()
    {
        var faults = new FaultInjector(FramingKind.Hdlc, 0, 0, new Random(), true);
        byte[] frame = [0x7E, 1, 2, 3, 4, 0x7E];
        for (var i = 0; i < 10; i++) Assert.Equal(frame, faults.Apply(frame));
    }
}
