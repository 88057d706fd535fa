using System.Buffers;
using BenchmarkDotNet.Attributes;
using Serilog;
using Serilog.Events;
using Agent.Core.Protocol;
using Agent.Core.Relay;
using Agent.Core.Routing;

namespace Agent.Benchmarks;

/// <summary>
/// The router's whole per-packet work, from a consumed body to the published copies: JSON in, the decision, JSON out.
/// Address mode to a known owner, and hub mode to three agents.
/// </summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private const string Key = "fromAgent.agent_1.ip.tun.packet.raw";
    private readonly LoopbackBus _bus = new();
    private CancellationTokenSource _stop = new();
    private byte[] _body = [];

    [Params(RoutingMode.Address, RoutingMode.Hub)]
    public RoutingMode Mode { get; set; }

    [Params(64, 1280)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var log = new LoggerConfiguration().MinimumLevel.Is(LogEventLevel.Warning).CreateLogger();
        var router = new PacketRouter(_bus, new RouterOptions([], Mode: Mode, CopyToTestingTool: false), log,
            new PacketLog(log, TimeProvider.System), TimeProvider.System);
        _ = router.RunAsync(_stop.Token);
        foreach (var n in new[] { 1, 2, 3, 4 })
            _bus.DeliverAsync($"fromAgent.agent_{n}.ip.tun.started", new TunConfigMessage($"agent_{n}", "bbbb", $"{n}").ToJson())
                .AsTask().GetAwaiter().GetResult();
        var packet = Packets.Ipv6(Size, destinationHost: 2);
        var output = new ArrayBufferWriter<byte>();
        PacketMessage.Write(output, packet, "tun0", DateTimeOffset.UtcNow);
        _body = output.WrittenSpan.ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _stop.Cancel();

    [Benchmark(Description = "router: one packet")]
    public long Route()
    {
        var delivered = _bus.DeliverAsync(Key, _body);
        if (!delivered.IsCompletedSuccessfully) delivered.AsTask().GetAwaiter().GetResult();
        return _bus.Published;
    }
}
