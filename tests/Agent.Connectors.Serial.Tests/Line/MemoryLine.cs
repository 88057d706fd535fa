using System.Collections.Concurrent;
using System.Threading.Channels;
using Agent.Connectors.Serial.Line;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.Tests.Line;

/// <summary>
/// A serial line in memory: the test plugs it in, feeds it the mote's bytes, pulls it out again, and sees every byte
/// written to it while plugged in.
/// </summary>
internal sealed class MemoryLine : ISerialLine
{
    private readonly Channel<byte[]?> _events = Channel.CreateUnbounded<byte[]?>(); // bytes, or null for an unplug
    private readonly SemaphoreSlim _plugs = new(0);
    private volatile bool _plugged;

    public string Name => "/dev/memory0";

    public ConcurrentQueue<byte[]> Written { get; } = new();

    public bool Plugged => _plugged;

    public void Plug() => _plugs.Release();

    public void Unplug() => _events.Writer.TryWrite(null);

    public void Feed(byte[] bytes) => _events.Writer.TryWrite(bytes);

    public async Task RunAsync(Action<ReadOnlySpan<byte>> received, Action opened, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await _plugs.WaitAsync(cancellationToken);
                _plugged = true;
                opened();
                while (await _events.Reader.ReadAsync(cancellationToken) is { } bytes) received(bytes);
                _plugged = false;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public Drop? Write(ReadOnlySpan<byte> bytes)
    {
        if (!_plugged) return new Drop(DropReason.DeviceAbsent, $"{Name} is not plugged in");
        Written.Enqueue(bytes.ToArray());
        return null;
    }
}
