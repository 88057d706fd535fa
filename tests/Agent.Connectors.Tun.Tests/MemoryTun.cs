using System.Collections.Concurrent;
using System.Threading.Channels;
using Agent.Core.Addressing;
using Agent.Core.Connectors;
using Agent.Core.Drops;
using Agent.Testing;

namespace Agent.Connectors.Tun.Tests;

/// <summary>An in-memory TUN interface: the in-memory device, and the networks routed into it.</summary>
public sealed class MemoryTun(MemoryConnector device) : ITunInterface
{
    public MemoryConnector Device { get; } = device;

    public ConcurrentQueue<Ipv6Prefix> Routes { get; } = new();

    public string Name => Device.Name;

    public string InterfaceName => Device.InterfaceName;

    public ChannelReader<Frame> Frames => Device.Frames;

    public Task RunAsync(IConnectorHost host, CancellationToken cancellationToken) => Device.RunAsync(host, cancellationToken);

    public Drop? CheckDownlink(ReadOnlySpan<byte> frame) => Device.CheckDownlink(frame);

    public ValueTask<Drop?> WriteAsync(Outbound frame, CancellationToken cancellationToken) => Device.WriteAsync(frame, cancellationToken);

    public Task RouteIntoTunnelAsync(Ipv6Prefix prefix, CancellationToken cancellationToken)
    {
        Routes.Enqueue(prefix);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => Device.DisposeAsync();
}
