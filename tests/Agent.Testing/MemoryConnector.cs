using System.Collections.Concurrent;
using System.Threading.Channels;
using Agent.Core.Connectors;
using Agent.Core.Drops;
using Agent.Core.Packets;

namespace Agent.Testing;

/// <summary>
/// An in-memory device: a test pushes frames "read" from it and sees what was written to it; the host it runs under
/// is kept so that a test can play the device's side (drops, text, changes, frames of its own).
/// </summary>
public sealed class MemoryConnector(string interfaceName = "tun0") : IConnector
{
    private readonly Channel<Frame> _frames = Channel.CreateUnbounded<Frame>();
    private readonly TaskCompletionSource<IConnectorHost> _host = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => InterfaceName;

    public string InterfaceName { get; } = interfaceName;

    public ChannelReader<Frame> Frames => _frames.Reader;

    public ConcurrentQueue<Outbound> Written { get; } = new();

    public bool Disposed { get; private set; }

    /// <summary>When false, writes are refused as a device might refuse them.</summary>
    public bool AcceptWrites { get; set; } = true;

    /// <summary>The downlink check; by default one well-formed IP packet, as a TUN's.</summary>
    public Func<byte[], Drop?> Check { get; set; } =
        frame => IpPacket.IsWellFormed(frame, out var reason) ? null : new Drop(DropReason.NotIpPacket, reason);

    /// <summary>The host, once the connector runs.</summary>
    public Task<IConnectorHost> Host => _host.Task;

    public void Read(byte[] frame, DateTimeOffset? at = null) => _frames.Writer.TryWrite(new Frame(frame, at ?? DateTimeOffset.UtcNow));

    /// <summary>The device fails beyond repair (an interface deleted that cannot be made again).</summary>
    public void Fail(Exception error) => _failed.TrySetException(error);

    public async Task RunAsync(IConnectorHost host, CancellationToken cancellationToken)
    {
        _host.TrySetResult(host);
        await Task.WhenAny(_failed.Task, Task.Delay(Timeout.Infinite, cancellationToken));
        if (_failed.Task.IsFaulted) await _failed.Task;
    }

    public Drop? CheckDownlink(ReadOnlySpan<byte> frame) => Check(frame.ToArray());

    public ValueTask<Drop?> WriteAsync(Outbound frame, CancellationToken cancellationToken)
    {
        if (!AcceptWrites) return ValueTask.FromResult<Drop?>(new Drop(DropReason.DeviceWrite, "refused by the test"));
        Written.Enqueue(frame);
        return ValueTask.FromResult<Drop?>(null);
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        _frames.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}
