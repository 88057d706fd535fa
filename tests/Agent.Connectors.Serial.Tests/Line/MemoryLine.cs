using System.Collections.Concurrent;
using System.Threading.Channels;
using Agent.Connectors.Serial.Line;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.Tests.Line;

/// <summary>
/// A serial line in memory: the test plugs it in, feeds it the mote's bytes, pulls it out again, pauses it (as a mote's
/// XOFF would: a write waits until it is resumed), and sees every byte written to it while plugged in.
/// </summary>
internal sealed class MemoryLine : ISerialLine
{
    private readonly Channel<byte[]?> _events = Channel.CreateUnbounded<byte[]?>(); // bytes, or null for an unplug
    private readonly SemaphoreSlim _plugs = new(0);
    private readonly ManualResetEventSlim _resumed = new(true);
    private volatile bool _plugged;

    public string Name => "/dev/memory0";

    public ConcurrentQueue<byte[]> Written { get; } = new();

    public bool Plugged => _plugged;

    public void Plug() => _plugs.Release();

    public void Unplug() => _events.Writer.TryWrite(null);

    public void Feed(byte[] bytes) => _events.Writer.TryWrite(bytes);

    public void Pause() => _resumed.Reset();

    public void Resume() => _resumed.Set();

    /// <summary>How many writes are waiting for the line to resume.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    private int _waiting;

    public async Task RunAsync(Action<ReadOnlySpan<byte>> received, Action opened, Action closed, CancellationToken cancellationToken)
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
                closed();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Flow changes the connector reported (XON true, XOFF false); a memory line holds no writes for them.</summary>
    public ConcurrentQueue<bool> Flow { get; } = new();

    public void FlowChanged(bool resumed) => Flow.Enqueue(resumed);

    public Drop? Write(ReadOnlySpan<byte> bytes)
    {
        if (!_plugged) return new Drop(DropReason.DeviceAbsent, $"{Name} is not plugged in");
        Interlocked.Increment(ref _waiting);
        var resumed = _resumed.Wait(TimeSpan.FromSeconds(30));
        Interlocked.Decrement(ref _waiting);
        if (!resumed) return new Drop(DropReason.DeviceWrite, $"{Name} stayed paused");
        Written.Enqueue(bytes.ToArray());
        return null;
    }
}
