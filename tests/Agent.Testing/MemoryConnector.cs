using System.Collections.Concurrent;
using System.Threading.Channels;
using Agent.Core.Connectors;

namespace Agent.Testing;

/// <summary>An in-memory device: a test pushes frames "read" from it and sees what was written to it.</summary>
public sealed class MemoryConnector(string interfaceName = "tun0") : IConnector
{
    private readonly Channel<Frame> _frames = Channel.CreateUnbounded<Frame>();

    public string InterfaceName { get; } = interfaceName;

    public ChannelReader<Frame> Frames => _frames.Reader;

    public ConcurrentQueue<byte[]> Written { get; } = new();

    public bool Disposed { get; private set; }

    /// <summary>When false, writes are refused as a device might refuse them.</summary>
    public bool AcceptWrites { get; set; } = true;

    public void Read(byte[] frame, DateTimeOffset? at = null) => _frames.Writer.TryWrite(new Frame(frame, at ?? DateTimeOffset.UtcNow));

    public ValueTask<string?> WriteAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (!AcceptWrites) return ValueTask.FromResult<string?>(Agent.Core.Relay.DropReasons.DeviceWrite);
        Written.Enqueue(frame.ToArray());
        return ValueTask.FromResult<string?>(null);
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        _frames.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}
