using Agent.Core.Bus;
using Microsoft.Extensions.Time.Testing;
using Moq;
using RabbitMQ.Client;

namespace Agent.Core.Tests.Bus;

/// <summary>The shared queue's acks: one per batch or per 20 ms while deliveries come, the rest when they stop, never a tag twice.</summary>
public sealed class AckBatchTests
{
    private readonly List<(ulong Tag, bool Multiple)> _acks = [];
    private readonly IChannel _channel;

    public AckBatchTests()
    {
        var channel = new Mock<IChannel>(MockBehavior.Strict);
        channel.Setup(c => c.BasicAckAsync(It.IsAny<ulong>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .Callback((ulong tag, bool multiple, CancellationToken _) => _acks.Add((tag, multiple)))
            .Returns(ValueTask.CompletedTask);
        _channel = channel.Object;
    }

    [Fact]
    public async Task While_deliveries_stream_one_ack_covers_a_quarter_of_the_prefetch()
    {
        using var batch = new AckBatch(_channel, prefetch: 64, new FakeTimeProvider());
        Assert.Equal(16, batch.Every);
        for (ulong tag = 1; tag <= 40; tag++) await batch.ReceivedAsync(tag);
        Assert.Equal([(16UL, true), (32UL, true)], _acks);
    }

    [Fact]
    public async Task When_deliveries_pause_the_rest_is_acked_once_and_an_empty_flush_sends_nothing()
    {
        using var batch = new AckBatch(_channel, prefetch: 64, new FakeTimeProvider());
        for (ulong tag = 1; tag <= 5; tag++) await batch.ReceivedAsync(tag);
        Assert.Empty(_acks); // a burst smaller than a batch waits
        await batch.FlushAsync();
        await batch.FlushAsync();
        Assert.Equal([(5UL, true)], _acks);
        for (ulong tag = 6; tag <= 21; tag++) await batch.ReceivedAsync(tag);
        Assert.Equal([(5UL, true), (21UL, true)], _acks);
    }

    [Fact]
    public async Task A_delivery_after_the_oldest_waiting_one_waited_long_enough_acks_both_and_no_timer_fires()
    {
        // A ping every 20 ms through the router: the request, and its reply 1 ms later.
        var time = new ArmingCounter();
        using var batch = new AckBatch(_channel, prefetch: 64, time);
        ulong tag = 0;
        for (var ping = 0; ping < 40; ping++)
        {
            await batch.ReceivedAsync(++tag);
            time.Advance(TimeSpan.FromMilliseconds(1));
            await batch.ReceivedAsync(++tag);
            time.Advance(TimeSpan.FromMilliseconds(19));
        }
        // Over 800 ms an ack every 20 to 40 ms (the first delivery after the oldest waiting one waited 20 ms sends it),
        // each sent as a packet comes: the timer armed for the first request never fired and was never armed again.
        Assert.InRange(_acks.Count, 20, 40);
        Assert.InRange(_acks[^1].Tag, 77UL, 80UL); // nothing older than the last 40 ms waits
        Assert.Equal(1, time.Armed);
    }

    [Fact]
    public async Task Over_seconds_of_pings_the_tail_timer_is_armed_about_once_a_second_and_nothing_waits_long()
    {
        var time = new ArmingCounter();
        using var batch = new AckBatch(_channel, prefetch: 64, time);
        ulong tag = 0;
        for (var ping = 0; ping < 150; ping++) // 3 s
        {
            await batch.ReceivedAsync(++tag);
            time.Advance(TimeSpan.FromMilliseconds(1));
            await batch.ReceivedAsync(++tag);
            time.Advance(TimeSpan.FromMilliseconds(19));
        }
        // Armed at 0, at about 1 s and 2 s (each time the one before fired), never once per packet.
        Assert.InRange(time.Armed, 3, 4);
        Assert.InRange(_acks[^1].Tag, 297UL, 300UL);
    }

    [Fact]
    public async Task A_timer_flush_that_fails_is_told_lets_nothing_escape_and_the_next_ack_goes_out()
    {
        const string Gone = "AckBatchTests: the channel is gone";
        var acks = new List<ulong>();
        var channel = new Mock<IChannel>(MockBehavior.Strict);
        var calls = 0;
        channel.Setup(c => c.BasicAckAsync(It.IsAny<ulong>(), true, It.IsAny<CancellationToken>()))
            .Returns((ulong tag, bool _, CancellationToken _) =>
            {
                if (calls++ == 0) throw new InvalidOperationException(Gone);
                acks.Add(tag);
                return ValueTask.CompletedTask;
            });
        var escaped = 0;
        EventHandler<UnobservedTaskExceptionEventArgs> unobserved = (_, e) =>
        {
            if (e.Exception.Flatten().InnerExceptions.Any(x => x.Message == Gone)) Interlocked.Increment(ref escaped);
        };
        TaskScheduler.UnobservedTaskException += unobserved;
        try
        {
            var time = new FakeTimeProvider();
            var told = new List<Exception>();
            using var batch = new AckBatch(channel.Object, prefetch: 64, time, told.Add);
            await batch.ReceivedAsync(1);
            time.Advance(AckBatch.TailAfter); // this flush fails
            Assert.Equal(Gone, Assert.Single(told).Message);
            for (var i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            Assert.Equal(0, escaped);
            await batch.ReceivedAsync(2);
            time.Advance(AckBatch.TailAfter);
            Assert.Equal([2UL], acks);
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= unobserved;
        }
    }

    [Fact]
    public async Task The_rest_of_a_burst_is_acked_once_the_tail_is_due_and_an_idle_subscriber_arms_no_timer()
    {
        var time = new ArmingCounter();
        using var batch = new AckBatch(_channel, prefetch: 64, time);
        for (ulong tag = 1; tag <= 5; tag++) await batch.ReceivedAsync(tag);
        Assert.Equal(1, time.Armed); // once for the burst, not once per delivery
        time.Advance(AckBatch.TailAfter - TimeSpan.FromMilliseconds(1));
        Assert.Empty(_acks);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([(5UL, true)], _acks);

        time.Advance(TimeSpan.FromSeconds(10)); // idle: nothing due, nothing armed, nothing sent
        Assert.Equal(1, time.Armed);
        Assert.Single(_acks);

        await batch.ReceivedAsync(6); // the next burst arms it again
        Assert.Equal(2, time.Armed);
        time.Advance(AckBatch.TailAfter);
        Assert.Equal([(5UL, true), (6UL, true)], _acks);
    }

    [Fact]
    public async Task A_stopping_subscriber_acks_what_waits_at_once_and_its_timer_sends_nothing_after()
    {
        var time = new FakeTimeProvider();
        var batch = new AckBatch(_channel, prefetch: 64, time);
        for (ulong tag = 1; tag <= 3; tag++) await batch.ReceivedAsync(tag);
        batch.Dispose();
        Assert.Equal([(3UL, true)], _acks);
        time.Advance(AckBatch.TailAfter);
        Assert.Single(_acks);
    }

    [Fact]
    public async Task A_prefetch_of_one_acks_every_delivery()
    {
        using var batch = new AckBatch(_channel, prefetch: 1, new FakeTimeProvider());
        for (ulong tag = 1; tag <= 3; tag++) await batch.ReceivedAsync(tag);
        Assert.Equal([(1UL, true), (2UL, true), (3UL, true)], _acks);
    }

    [Fact]
    public async Task Flushes_racing_the_deliveries_never_ack_a_tag_twice_or_go_backwards()
    {
        using var batch = new AckBatch(_channel, prefetch: 8, new FakeTimeProvider());
        var deliveries = Task.Run(async () =>
        {
            for (ulong tag = 1; tag <= 5000; tag++) await batch.ReceivedAsync(tag);
        });
        while (!deliveries.IsCompleted) await batch.FlushAsync();
        await deliveries;
        await batch.FlushAsync();
        var tags = _acks.Select(a => a.Tag).ToList();
        Assert.Equal(tags.Order().Distinct(), tags); // strictly increasing
        Assert.Equal(5000UL, tags[^1]);
    }

    /// <summary>A fake clock that counts how often a timer is armed (given a finite due time).</summary>
    private sealed class ArmingCounter : FakeTimeProvider
    {
        public int Armed { get; private set; }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            new Counted(base.CreateTimer(callback, state, dueTime, period), this);

        private sealed class Counted(ITimer timer, ArmingCounter owner) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                if (dueTime != Timeout.InfiniteTimeSpan) owner.Armed++;
                return timer.Change(dueTime, period);
            }

            public void Dispose() => timer.Dispose();

            public ValueTask DisposeAsync() => timer.DisposeAsync();
        }
    }
}
