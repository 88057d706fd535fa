using Agent.Framing;

namespace FirmwareSim.Faults;

/// <summary>
/// Spoils the line on purpose so that the agent's decoders and counters can be tested: every
/// <c>corruptEvery</c>-th frame is corrupted (SLIP: an invalid escape DB 41 inside; HDLC: one bit flipped, so its
/// FCS fails), and every <c>garbageEvery</c>-th frame is followed by a few bytes of noise that never decode as a
/// valid frame (SLIP: a frame with the unknown first byte 0x99, or one broken by a bad escape; HDLC: random bytes
/// between flags whose FCS fails). Zero turns a fault off.
/// </summary>
public sealed class FaultInjector
{
    private const byte SlipEnd = 0xC0;
    private const byte SlipEsc = 0xDB;
    private const byte HdlcFlag = 0x7E;
    private const byte HdlcEscape = 0x7D;
    /// <summary>A first byte no SLIP payload kind uses (PROTOCOL.md 8).</summary>
    public const byte UnknownFirstByte = 0x99;

    private readonly FramingKind _framing;
    private readonly int _garbageEvery;
    private readonly int _corruptEvery;
    private readonly bool _unknownFirstByteGarbage;
    private readonly Random _random;

    /// <param name="unknownFirstByteGarbage">SLIP only: some noise may be a well-formed frame with first byte 0x99
    /// (right with --payload ip, where the agent drops it as an unknown first byte; with 802.15.4 it would be taken
    /// as a frame, so all noise is then broken by a bad escape).</param>
    public FaultInjector(FramingKind framing, int garbageEvery, int corruptEvery, Random random, bool unknownFirstByteGarbage)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(garbageEvery);
        ArgumentOutOfRangeException.ThrowIfNegative(corruptEvery);
        _framing = framing;
        _garbageEvery = garbageEvery;
        _corruptEvery = corruptEvery;
        _random = random;
        _unknownFirstByteGarbage = unknownFirstByteGarbage;
    }

    public long FramesSent { get; private set; }
    public long FramesCorrupted { get; private set; }
    public long GarbageBursts { get; private set; }

    /// <summary>The bytes to put on the line for one encoded frame: the frame, maybe spoilt, maybe followed by noise.</summary>
    public byte[] Apply(ReadOnlySpan<byte> wireFrame)
    {
        FramesSent++;
        var frame = _corruptEvery > 0 && FramesSent % _corruptEvery == 0 ? Corrupt(wireFrame) : wireFrame.ToArray();
        if (_garbageEvery == 0 || FramesSent % _garbageEvery != 0) return frame;
        GarbageBursts++;
        return [.. frame, .. Garbage()];
    }

    private byte[] Corrupt(ReadOnlySpan<byte> wire)
    {
        FramesCorrupted++;
        return _framing == FramingKind.Slip ? CorruptSlip(wire) : CorruptHdlc(wire);
    }

    // ESC followed by a byte that may not follow it: every decoder drops the frame (bad escape).
    private static byte[] CorruptSlip(ReadOnlySpan<byte> wire)
    {
        var start = wire.IndexOfAnyExcept(SlipEnd);
        if (start < 0) return wire.ToArray();
        return [.. wire[..start], SlipEsc, 0x41, .. wire[start..]];
    }

    // One bit flipped in a byte that is neither a flag, an escape nor escaped: the FCS-16 catches every single-bit error.
    private static byte[] CorruptHdlc(ReadOnlySpan<byte> wire)
    {
        var frame = wire.ToArray();
        for (var i = 1; i < frame.Length; i++)
        {
            if (frame[i] is HdlcFlag or HdlcEscape || frame[i - 1] == HdlcEscape) continue;
            var flipped = (byte)(frame[i] ^ 0x01);
            frame[i] = flipped is HdlcFlag or HdlcEscape ? (byte)(frame[i] ^ 0x80) : flipped;
            break;
        }
        return frame;
    }

    private byte[] Garbage() => _framing == FramingKind.Slip ? SlipGarbage() : HdlcGarbage();

    private byte[] SlipGarbage()
    {
        var noise = Noise(_random.Next(2, 7), SlipEnd, SlipEsc);
        // Alternate a well-formed frame of unknown kind with one cut by a bad escape.
        return _unknownFirstByteGarbage && GarbageBursts % 2 == 1
            ? [SlipEnd, UnknownFirstByte, .. noise, SlipEnd]
            : [SlipEnd, UnknownFirstByte, .. noise, SlipEsc, 0x41, SlipEnd];
    }

    private byte[] HdlcGarbage()
    {
        while (true)
        {
            var noise = Noise(_random.Next(3, 9), HdlcFlag, HdlcEscape);
            // One chance in 65536 that noise carries a good FCS: draw again.
            if (Fcs16.Update(Fcs16.Initial, noise) != Fcs16.GoodResidue) return [HdlcFlag, .. noise, HdlcFlag];
        }
    }

    private byte[] Noise(int length, byte excluded1, byte excluded2)
    {
        var noise = new byte[length];
        for (var i = 0; i < length; i++)
        {
            byte b;
            do b = (byte)_random.Next(256);
            while (b == excluded1 || b == excluded2);
            noise[i] = b;
        }
        return noise;
    }
}
