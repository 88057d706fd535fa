using System.Buffers;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Serilog;
using Serilog.Events;
using Agent.Core.Connectors;
using Agent.Core.Drops;
using Agent.Core.Packets;
using Agent.Core.Protocol;
using Agent.Core.Relay;

namespace Agent.Benchmarks;

/// <summary>
/// The agent's relay over an in-memory bus and device, per packet: up (a frame read -> JSON body -> publish ->
/// confirmed) and down (a consumed body -> checked -> queued -> written to the device). 1000 packets per invocation.
/// </summary>
[MemoryDiagnoser]
public class RelayBenchmarks
{
    private const int Batch = 1000;
    private readonly LoopbackBus _bus = new();
    private readonly CountingDevice _device = new();
    private readonly CancellationTokenSource _stop = new();
    private PacketRelay _relay = null!;
    private byte[] _packet = [];
    private byte[] _body = [];

    [Params(64, 1280)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var log = new LoggerConfiguration().MinimumLevel.Is(LogEventLevel.Warning).CreateLogger();
        _relay = new PacketRelay(_bus, _device, "fromAgent.agent_1.ip.tun.packet.raw", new TrafficCounters(), new PacketLog(log, TimeProvider.System));
        _ = _relay.RunAsync(_stop.Token);
        _packet = Packets.Ipv6(Size);
        var output = new ArrayBufferWriter<byte>();
        PacketMessage.Write(output, _packet, "tun0", DateTimeOffset.UtcNow);
        _body = output.WrittenSpan.ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _stop.Cancel();

    [Benchmark(Description = "relay up: frame -> published", OperationsPerInvoke = Batch)]
    public long Up()
    {
        var target = _bus.Published + Batch;
        for (var i = 0; i < Batch; i++) _device.Read(_packet);
        while (_bus.Published < target) Thread.SpinWait(20);
        return _bus.Published;
    }

    [Benchmark(Description = "relay down: body -> written", OperationsPerInvoke = Batch)]
    public long Down()
    {
        var start = _device.Written;
        for (var i = 0; i < Batch; i++)
        {
            while (start + i - _device.Written >= 512) Thread.SpinWait(20); // never more than the queue holds
            _relay.OnDownlink("toAgent.agent_1.ip.tun.packet.raw", _body);
        }
        while (_device.Written < start + Batch) Thread.SpinWait(20);
        return _device.Written;
    }

    private sealed class CountingDevice : IConnector
    {
        private readonly Channel<Frame> _frames = Channel.CreateUnbounded<Frame>(new UnboundedChannelOptions { SingleReader = true });
        private long _written;

        public long Written => Interlocked.Read(ref _written);

        public void Read(byte[] packet) => _frames.Writer.TryWrite(new Frame(packet, DateTimeOffset.UnixEpoch));

        public string Name => "tun0";

        public string InterfaceName => "tun0";

        public ChannelReader<Frame> Frames => _frames.Reader;

        public Task RunAsync(IConnectorHost host, CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

        public Drop? CheckDownlink(ReadOnlySpan<byte> frame) =>
            IpPacket.IsWellFormed(frame, out var reason) ? null : new Drop(DropReason.NotIpPacket, reason);

        public ValueTask<Drop?> WriteAsync(Outbound frame, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _written);
            return ValueTask.FromResult<Drop?>(null);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
