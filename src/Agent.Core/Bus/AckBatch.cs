using RabbitMQ.Client;

namespace Agent.Core.Bus;

/// <summary>
/// Acks a shared queue's deliveries on receipt, a batch at a time: one <c>basic.ack</c> with <c>multiple</c> covers
/// every delivery up to the one that sends it. A delivery sends it when <see cref="Every"/> deliveries wait for it, or
/// when the oldest of them has waited <see cref="AckWithin"/>; what is left when deliveries stop is acked
/// <see cref="TailAfter"/> later by a one-shot timer, and at once when the subscriber stops. So while packets come, at
/// any rate, their acks ride along with them and the timer wakes the process at most once a TailAfter (at 50 packets a
/// second a 20 ms timer woke it for every one); an idle subscriber arms nothing. At most once holds as before: a
/// replica that dies leaves at most its prefetch unacked, and the broker's second delivery of those is dropped
/// (redelivered), never handled again. Delivery tags only grow on a channel (the client keeps them growing across a
/// recovery and ignores an ack for a tag from before it).
/// </summary>
internal sealed class AckBatch : IDisposable
{
    /// <summary>Once the oldest delivery waiting for its ack has waited this long, the next delivery acks it.</summary>
    public static readonly TimeSpan AckWithin = TimeSpan.FromMilliseconds(20);

    /// <summary>When deliveries stop, how long the last of them wait for their ack.</summary>
    public static readonly TimeSpan TailAfter = TimeSpan.FromSeconds(1);

    private readonly IChannel _channel;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ITimer _tail;
    private readonly Action<Exception> _failed;
    private ulong _received; // the newest delivery tag taken
    private ulong _acked; // every tag up to it is acked
    private long _waitingSince; // when the oldest delivery not yet acked came (a timestamp), 0 when none waits
    private int _armed; // 1 while the tail timer is due

    /// <param name="failed">Told of a flush that nobody awaits (the timer's, the stop's) and that failed.</param>
    public AckBatch(IChannel channel, ushort prefetch, TimeProvider? time = null, Action<Exception>? failed = null)
    {
        _channel = channel;
        _time = time ?? TimeProvider.System;
        _failed = failed ?? (_ => { });
        Every = Math.Max(1, prefetch / 4);
        _tail = _time.CreateTimer(_ => _ = FlushQuietlyAsync(disarm: true), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>How many deliveries one ack covers while they stream: a quarter of the prefetch window, at least 1.</summary>
    public int Every { get; }

    /// <summary>Takes note of a delivery; acks everything up to it when a batch is full or has waited long enough.</summary>
    public async ValueTask ReceivedAsync(ulong deliveryTag)
    {
        Volatile.Write(ref _received, deliveryTag);
        var now = _time.GetTimestamp();
        var since = Interlocked.CompareExchange(ref _waitingSince, now, 0); // 0: none waited, this one is the oldest
        if (deliveryTag - Volatile.Read(ref _acked) >= (ulong)Every || (since != 0 && _time.GetElapsedTime(since, now) >= AckWithin))
            await FlushAsync();
        // Written before the check: a tail flush that clears the flag after it reads this tag too.
        else if (Interlocked.Exchange(ref _armed, 1) == 0) _tail.Change(TailAfter, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Acks every delivery taken and not yet acked, if any.</summary>
    public async ValueTask FlushAsync()
    {
        if (Volatile.Read(ref _received) <= Volatile.Read(ref _acked)) return;
        await _sending.WaitAsync();
        try
        {
            // Cleared before the newest tag is read: a delivery taken meanwhile either is acked now or starts the wait again.
            Volatile.Write(ref _waitingSince, 0);
            var upTo = Volatile.Read(ref _received);
            if (upTo <= _acked) return;
            await _channel.BasicAckAsync(upTo, multiple: true);
            Volatile.Write(ref _acked, upTo);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task FlushQuietlyAsync(bool disarm)
    {
        if (disarm) Interlocked.Exchange(ref _armed, 0); // a full fence: cleared before the flush reads the newest tag
        try
        {
            await FlushAsync();
        }
        catch (Exception e)
        {
            // Nobody awaits this flush (a timer's, or a stopping subscriber's), so nothing may escape it: the connection
            // is going or gone, and what was not acked is the broker's to deliver again (and ours to drop, redelivered).
            _failed(e);
        }
    }

    /// <summary>The subscriber stops: the timer goes, and what waits is acked now (best effort: the connection is closing).</summary>
    public void Dispose()
    {
        _tail.Dispose();
        _ = FlushQuietlyAsync(disarm: false);
    }
}
