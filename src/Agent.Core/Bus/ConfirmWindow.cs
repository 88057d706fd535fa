namespace Agent.Core.Bus;

/// <summary>
/// The packets published and not yet confirmed by the broker, by publish sequence number, at most
/// <see cref="Capacity"/> at once: a publisher waits for room rather than piling up an unbounded backlog. An ack or nack
/// (for one sequence number, or all up to it) settles them; when the connection goes, all left are lost.
/// Thread-safe: publishers add, the client's threads settle.
/// </summary>
/// <remarks>
/// The window is wide because a busy broker confirms late: its queues confirm a message once they have taken it, and
/// at 10,000 packets a second of 64 B on two cores that took more than 100 ms; a window of 1024 then held the publisher
/// back to two thirds of the rate the same chain carries without confirms. What a place costs is one entry (no packet
/// is kept: it is in the socket already), and the table grows only as far as the broker lags.
/// </remarks>
public sealed class ConfirmWindow(int capacity = ConfirmWindow.DefaultCapacity)
{
    /// <summary>About four seconds of 64-byte packets at the broker's own rate on a small machine.</summary>
    public const int DefaultCapacity = 65536;

    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, (IPublishOutcome Outcome, long State)> _pending = new(Math.Min(capacity, 256));
    private readonly SemaphoreSlim _room = new(capacity, capacity);
    private ulong _lowest; // no packet below it is pending: where a multiple ack starts looking

    public int Capacity { get; } = capacity;

    public int Pending
    {
        get { lock (_lock) return _pending.Count; }
    }

    /// <summary>Waits for room in the window; the caller then calls <see cref="Add"/> or <see cref="Release"/>.</summary>
    public Task ReserveAsync(CancellationToken cancellationToken) => _room.WaitAsync(cancellationToken);

    /// <summary>Gives back a reserved place that was not used (the publish failed before it went out).</summary>
    public void Release() => _room.Release();

    /// <summary>Records a packet about to go out under <paramref name="sequence"/>, in a place reserved before.</summary>
    public void Add(ulong sequence, IPublishOutcome outcome, long state)
    {
        lock (_lock)
        {
            if (_pending.Count == 0) _lowest = sequence;
            _pending[sequence] = (outcome, state);
        }
    }

    /// <summary>
    /// Takes back a packet whose publish failed, so that nothing is told of it; false when the connection's loss had
    /// settled it already (then it was told: lost).
    /// </summary>
    public bool Forget(ulong sequence)
    {
        bool removed;
        lock (_lock) removed = _pending.Remove(sequence);
        if (removed) _room.Release();
        return removed;
    }

    /// <summary>The broker's ack (<paramref name="ok"/>) or nack of <paramref name="sequence"/>, or of all up to it.</summary>
    public void Settle(ulong sequence, bool multiple, bool ok)
    {
        var settled = 0;
        // Told under the lock: counting and a rate-limited log line, neither comes back here. No allocation per ack.
        lock (_lock)
        {
            if (multiple)
            {
                for (var s = _lowest; s <= sequence && _pending.Count > 0; s++)
                    if (Tell(s, ok)) settled++;
                _lowest = Math.Max(_lowest, sequence + 1);
            }
            else if (Tell(sequence, ok))
            {
                settled++;
                if (sequence == _lowest) _lowest++;
            }
        }
        if (settled > 0) _room.Release(settled);
    }

    private bool Tell(ulong sequence, bool ok)
    {
        if (!_pending.Remove(sequence, out var packet)) return false;
        if (ok) packet.Outcome.Confirmed(packet.State);
        else packet.Outcome.Lost(packet.State, refused: true);
        return true;
    }

    /// <summary>Waits until every packet is settled, or <paramref name="bound"/> passes; then what is left is lost.</summary>
    public async Task DrainAsync(TimeSpan bound)
    {
        var deadline = Environment.TickCount64 + (long)bound.TotalMilliseconds;
        while (Pending > 0 && Environment.TickCount64 < deadline) await Task.Delay(10);
        LoseAll();
    }

    /// <summary>The connection or channel went: what was not confirmed is lost (the numbering starts again after it).</summary>
    public void LoseAll()
    {
        int lost;
        lock (_lock)
        {
            lost = _pending.Count;
            foreach (var (outcome, state) in _pending.Values) outcome.Lost(state, refused: false);
            _pending.Clear();
            _lowest = 0;
        }
        if (lost > 0) _room.Release(lost);
    }
}
