using Agent.Connectors.Serial.Line;

namespace Agent.Connectors.Serial.Tests.Line;

/// <summary>An <see cref="ISerialLine"/> running in the background as the connector runs it: what it read, how often it opened and closed.</summary>
internal sealed class RunningLine : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<byte> _received = [];
    private readonly Task _running;
    private int _opens;
    private int _closes;

    public RunningLine(ISerialLine line)
    {
        Line = line;
        _running = Task.Run(() => line.RunAsync(
            bytes =>
            {
                lock (_received) _received.AddRange(bytes.ToArray());
            },
            () => Interlocked.Increment(ref _opens),
            () => Interlocked.Increment(ref _closes),
            _stop.Token));
    }

    public ISerialLine Line { get; }

    public int Opens => Volatile.Read(ref _opens);

    public int Closes => Volatile.Read(ref _closes);

    public byte[] Received
    {
        get
        {
            lock (_received) return [.. _received];
        }
    }

    /// <summary>Waits (generously) for a condition of the running line.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.True(condition(), what);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
