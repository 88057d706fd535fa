using BenchmarkDotNet.Attributes;
using Agent.Framing;

namespace Agent.Benchmarks;

/// <summary>What framing costs per packet on a serial link: SLIP and HDLC, each way, for a full-size IPv6 packet.</summary>
[MemoryDiagnoser]
public class FramingBenchmarks
{
    private const int Size = 1280;

    private readonly SlipEncoder _slipEncoder = new();
    private readonly SlipDecoder _slipDecoder = new();
    private readonly HdlcEncoder _hdlcEncoder = new();
    private readonly HdlcDecoder _hdlcDecoder = new();
    private readonly CountingSink _sink = new();
    private readonly byte[] _packet = new byte[Size];
    private byte[] _buffer = [];
    private byte[] _slipWire = [];
    private byte[] _hdlcWire = [];

    [GlobalSetup]
    public void Setup()
    {
        // Every byte value about five times over: each framing's special bytes get escaped.
        _packet[0] = 0x60;
        for (var i = 1; i < Size; i++) _packet[i] = (byte)(i * 7);
        _buffer = new byte[Math.Max(_slipEncoder.MaxEncodedLength(Size), _hdlcEncoder.MaxEncodedLength(Size))];
        _slipWire = _buffer[.._slipEncoder.Encode(_packet, _buffer)];
        _hdlcWire = _buffer[.._hdlcEncoder.Encode(_packet, _buffer)];
        // Let the decoders grow their buffers once, as they would on the first long frame.
        _slipDecoder.Decode(_slipWire, _sink);
        _hdlcDecoder.Decode(_hdlcWire, _sink);
    }

    [Benchmark(Description = "SLIP encode 1280 B")]
    public int SlipEncode() => _slipEncoder.Encode(_packet, _buffer);

    [Benchmark(Description = "SLIP decode 1280 B")]
    public int SlipDecode()
    {
        _slipDecoder.Decode(_slipWire, _sink);
        return _sink.Bytes;
    }

    [Benchmark(Description = "HDLC encode 1280 B")]
    public int HdlcEncode() => _hdlcEncoder.Encode(_packet, _buffer);

    [Benchmark(Description = "HDLC decode 1280 B")]
    public int HdlcDecode()
    {
        _hdlcDecoder.Decode(_hdlcWire, _sink);
        return _sink.Bytes;
    }

    private sealed class CountingSink : IFrameSink
    {
        public int Bytes { get; private set; }

        public void OnFrame(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> wire) => Bytes += payload.Length;

        public void OnDrop(FrameError error) => throw new InvalidOperationException(error.ToString());
    }
}
