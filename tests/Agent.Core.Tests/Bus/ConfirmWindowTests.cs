using Agent.Core.Bus;

namespace Agent.Core.Tests.Bus;

/// <summary>The publisher-confirm window: every packet is told exactly once, confirmed or lost, and room comes back.</summary>
public sealed class ConfirmWindowTests
{
    private sealed class Outcomes : IPublishOutcome
    {
        public List<long> Confirmed { get; } = [];
        public List<(long State, bool Refused)> Lost { get; } = [];

        void IPublishOutcome.Confirmed(long state) => Confirmed.Add(state);

        void IPublishOutcome.Lost(long state, bool refused) => Lost.Add((state, refused));
    }

    private readonly Outcomes _outcomes = new();

    private async Task<ConfirmWindow> WindowWithAsync(int capacity, params ulong[] sequences)
    {
        var window = new ConfirmWindow(capacity);
        foreach (var sequence in sequences)
        {
            await window.ReserveAsync(CancellationToken.None);
            window.Add(sequence, _outcomes, (long)sequence * 10);
        }
        return window;
    }

    [Fact]
    public async Task A_multiple_ack_confirms_everything_up_to_it_and_a_single_ack_only_its_own()
    {
        var window = await WindowWithAsync(8, 1, 2, 3, 4, 5);
        window.Settle(3, multiple: true, ok: true);
        Assert.Equal([10, 20, 30], _outcomes.Confirmed);
        window.Settle(5, multiple: false, ok: true);
        Assert.Equal([10, 20, 30, 50], _outcomes.Confirmed);
        Assert.Equal(1, window.Pending);
        window.Settle(5, multiple: true, ok: true); // 4, and 5 again: told once only
        Assert.Equal([10, 20, 30, 50, 40], _outcomes.Confirmed);
        Assert.Equal(0, window.Pending);
    }

    [Fact]
    public async Task A_nack_is_a_refusal_and_a_lost_connection_loses_the_rest_once()
    {
        var window = await WindowWithAsync(8, 1, 2, 3);
        window.Settle(2, multiple: true, ok: false);
        window.LoseAll();
        window.LoseAll();
        Assert.Equal([(10L, true), (20L, true), (30L, false)], _outcomes.Lost);
        Assert.Empty(_outcomes.Confirmed);
        Assert.False(window.Forget(3)); // told already: the publisher must not tell it again
    }

    [Fact]
    public async Task A_forgotten_packet_is_never_told_and_gives_back_its_room()
    {
        var window = await WindowWithAsync(2, 1, 2);
        Assert.True(window.Forget(1));
        await window.ReserveAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)); // room again
        window.Add(3, _outcomes, 30);
        window.Settle(3, multiple: true, ok: true);
        Assert.Equal([20, 30], _outcomes.Confirmed);
    }

    [Fact]
    public async Task A_full_window_makes_the_publisher_wait_until_an_ack_makes_room()
    {
        var window = await WindowWithAsync(2, 1, 2);
        var waiting = window.ReserveAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        window.Settle(1, multiple: false, ok: true);
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task After_a_reconnect_the_numbering_starts_again_and_acks_still_find_their_packets()
    {
        var window = await WindowWithAsync(8, 100, 101);
        window.LoseAll();
        await window.ReserveAsync(CancellationToken.None);
        window.Add(1, _outcomes, 1);
        await window.ReserveAsync(CancellationToken.None);
        window.Add(2, _outcomes, 2);
        window.Settle(2, multiple: true, ok: true);
        Assert.Equal([1, 2], _outcomes.Confirmed);
    }

    [Fact]
    public async Task Drain_waits_for_the_last_acks_then_loses_what_is_left()
    {
        var window = await WindowWithAsync(8, 1, 2);
        var drain = window.DrainAsync(TimeSpan.FromSeconds(30));
        window.Settle(1, multiple: false, ok: true);
        Assert.False(drain.IsCompleted);
        window.Settle(2, multiple: false, ok: true);
        await drain.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal([10, 20], _outcomes.Confirmed);
        Assert.Empty(_outcomes.Lost);
    }
}
