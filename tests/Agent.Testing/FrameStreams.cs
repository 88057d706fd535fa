using Agent.Framing;
using CsCheck;

namespace Agent.Testing;

/// <summary>Helpers to build wire streams and feed them to decoders in chunks.</summary>
public static class FrameStreams
{
    /// <summary>Bytes that every framing here treats specially, and their escaped forms, so that random data hits them.</summary>
    private static readonly byte[] Interesting = [0xC0, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF, 0x7E, 0x7D, 0x5E, 0x5D, 0x11, 0x12, 0x13, 0xF8, 0x00];

    /// <summary>Random bytes, one in four of them special.</summary>
    public static readonly Gen<byte> Byte = Gen.Frequency((3, (IGen<byte>)Gen.Byte), (1, Gen.OneOf(Interesting)));

    /// <summary>Chunk sizes, used in turn, cycling.</summary>
    public static readonly Gen<int[]> Chunking = Gen.Int[1, 300].Array[1, 20];

    public static byte[] Encode(IFrameEncoder encoder, ReadOnlySpan<byte> payload)
    {
        var buffer = new byte[encoder.MaxEncodedLength(payload.Length)];
        return buffer[..encoder.Encode(payload, buffer)];
    }

    public static byte[] EncodeAll(IFrameEncoder encoder, IEnumerable<byte[]> payloads) =>
        payloads.SelectMany(p => Encode(encoder, p)).ToArray();

    public static void Feed(IFrameDecoder decoder, ReadOnlySpan<byte> wire, int[] chunkSizes, IFrameSink sink)
    {
        for (var k = 0; !wire.IsEmpty; k++)
        {
            var size = Math.Min(chunkSizes[k % chunkSizes.Length], wire.Length);
            decoder.Decode(wire[..size], sink);
            wire = wire[size..];
        }
    }

    /// <summary>Random bytes for a test that loops over lengths; seeded so a failure repeats.</summary>
    public static byte[] RandomPayload(Random random, int length)
    {
        var payload = new byte[length];
        for (var i = 0; i < length; i++)
            payload[i] = random.Next(4) == 0 ? Interesting[random.Next(Interesting.Length)] : (byte)random.Next(256);
        return payload;
    }

    public static int[] RandomChunking(Random random) =>
        Enumerable.Range(0, random.Next(1, 20)).Select(_ => random.Next(1, 300)).ToArray();
}
