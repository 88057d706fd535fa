using RabbitMQ.Client;

namespace Agent.Core.Bus;

/// <summary>
/// Acks a shared queue's deliveries on receipt, a batch at a time: one <c>basic.ack</c> with <c>multiple</c> for every
/// <see cref="Every"/> deliveries, and for the rest of a burst once the flow pauses (<see cref="FlushAsync"/>, called
/// on a short timer). A delivery acked late is still acked before it counts against the prefetch window twice over,
/// and at most once holds as before: a replica that dies leaves at most its prefetch unacked, and the broker's second
/// delivery of those is dropped (redelivered), never handled again. One ack frame per batch instead of per packet is
/// work the broker no longer does. Delivery tags only grow on a channel (the client keeps them growing across a
/// recovery and ignores an ack for a tag from before it).
/// </summary>
internal sealed class AckBatch(IChannel channel, ushort prefetch)
{
    private readonly SemaphoreSlim _sending = new(1, 1);
    private ulong _received; // the newest delivery tag taken
    private ulong _acked; // every tag up to it is acked

    /// <summary>How many deliveries one ack covers while they stream: a quarter of the prefetch window, at least 1.</summary>
    public int Every { get; } = Math.Max(1, prefetch / 4);

    /// <summary>Takes note of a delivery; acks everything up to it when a batch is full.</summary>
    public async ValueTask ReceivedAsync(ulong deliveryTag)
    {
        Volatile.Write(ref _received, deliveryTag);
        if (deliveryTag - Volatile.Read(ref _acked) >= (ulong)Every) await FlushAsync();
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
            await channel.BasicAckAsync(upTo, multiple: true);
            Volatile.Write(ref _acked, upTo);
        }
        finally
        {
            _sending.Release();
        }
    }
}
