using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Agent.Core.Bus;

/// <summary>
/// Acks a shared queue's deliveries on receipt, a batch at a time: one <c>basic.ack</c> with <c>multiple</c> for every
/// <see cref="Every"/> deliveries, and for the rest of a burst <see cref="FlushAfter"/> after the first delivery left
/// unacked (a one-shot timer, armed only while something waits for its ack: an idle subscriber never wakes for it).
/// A delivery acked late is still acked before it counts against the prefetch window twice over, and at most once holds
/// as before: a replica that dies leaves at most its prefetch unacked, and the broker's second delivery of those is
/// dropped (redelivered), never handled again. One ack frame per batch instead of per packet is work the broker no
/// longer does. Delivery tags only grow on a channel (the client keeps them growing across a recovery and ignores an
/// ack for a tag from before it).
/// </summary>
internal sealed class AckBatch : IDisposable
{
    /// <summary>How long the rest of a burst waits for its ack once deliveries pause.</summary>
    public static readonly TimeSpan FlushAfter = TimeSpan.FromMilliseconds(20);

    private readonly IChannel _channel;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ITimer _flush;
    private ulong _received; // the newest delivery tag taken
    private ulong _acked; // every tag up to it is acked
    private int _armed; // 1 while the flush timer is due

    public AckBatch(IChannel channel, ushort prefetch, TimeProvider? time = null)
    {
        _channel = channel;
        Every = Math.Max(1, prefetch / 4);
        _flush = (time ?? TimeProvider.System).CreateTimer(_ => _ = FlushDueAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>How many deliveries one ack covers while they stream: a quarter of the prefetch window, at least 1.</summary>
    public int Every { get; }

    /// <summary>Takes note of a delivery; acks everything up to it when a batch is full, else makes sure a flush is due.</summary>
    public async ValueTask ReceivedAsync(ulong deliveryTag)
    {
        Volatile.Write(ref _received, deliveryTag);
        if (deliveryTag - Volatile.Read(ref _acked) >= (ulong)Every) await FlushAsync();
        // Written before the check: a flush that clears the flag after it reads this tag too.
        else if (Interlocked.Exchange(ref _armed, 1) == 0) _flush.Change(FlushAfter, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Acks every delivery taken and not yet acked, if any.</summary>
    public async ValueTask FlushAsync()
    {
        if (Volatile.Read(ref _received) <= Volatile.Read(ref _acked)) return;
        await _sending.WaitAsync();
        try
        {
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

    private async Task FlushDueAsync()
    {
        Volatile.Write(ref _armed, 0); // before the flush reads the newest tag
        try
        {
            await FlushAsync();
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
        {
            // The connection is going; what was not acked is the broker's to deliver again (and ours to drop).
        }
    }

    public void Dispose() => _flush.Dispose();
}
