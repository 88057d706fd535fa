using System.Buffers;
using BenchmarkDotNet.Attributes;
using Agent.Core.Packets;
using Agent.Core.Protocol;

namespace Agent.Benchmarks;

/// <summary>What every packet costs on its way between the device and the bus: JSON body out, JSON body in, the IP check.</summary>
[MemoryDiagnoser]
public class PacketPathBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(8192);
    private byte[] _packet = [];
    private byte[] _body = [];

    [Params(64, 1280)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _packet = new byte[Size];
        _packet[0] = 0x60;
        _packet[4] = (byte)((Size - 40) >> 8);
        _packet[5] = (byte)(Size - 40);
        for (var i = 40; i < Size; i++) _packet[i] = (byte)i;
        PacketMessage.Write(_output, _packet, "tun0", DateTimeOffset.UtcNow);
        _body = _output.WrittenSpan.ToArray();
    }

    [Benchmark(Description = "uplink: packet -> JSON body")]
    public int WriteBody()
    {
        _output.ResetWrittenCount();
        PacketMessage.Write(_output, _packet, "tun0", DateTimeOffset.UnixEpoch);
        return _output.WrittenCount;
    }

    [Benchmark(Description = "downlink: JSON body -> checked packet")]
    public int ReadBody()
    {
        PacketMessage.TryRead(_body, out var message, out _);
        return IpPacket.IsWellFormed(message!.Data, out _) ? message.Data.Length : 0;
    }
}
