using System.Threading.Channels;
using Serilog;
using Agent.Core.Bus;

namespace Agent.Core.Stats;

/// <summary>
/// When stats go out: once at start, then every interval (the tick, which also logs), and at once on every
/// request (<see cref="StatsKeys.Request"/>; an agent also answers <see cref="Protocol.Topics.IdentifyRequest"/>). Shared by
/// the agents' and the router's publishers.
/// </summary>
internal sealed class StatsCadence(IMessageBus bus, TimeSpan interval, ILogger log, TimeProvider time, IReadOnlyCollection<string> requestKeys)
{
    /// <summary>
    /// Requests closer together than this get one answer: several <c>agent status --watch</c> asking every second
    /// must not turn a session's agents into a stats flood. The first request is answered at once.
    /// </summary>
    public static readonly TimeSpan RequestGap = TimeSpan.FromMilliseconds(200);

    /// <param name="publish">Publishes the stats once (at start, and on a request).</param>
    /// <param name="tick">Publishes them every interval, and logs the summary line.</param>
    public async Task RunAsync(Func<CancellationToken, Task> publish, Func<CancellationToken, Task> tick, CancellationToken cancellationToken)
    {
        // One pending request at most: a burst collapses into one answer.
        var requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        try
        {
            await SubscribeAsync(requests.Writer, cancellationToken);
            await publish(cancellationToken);
            await Task.WhenAll(TickAsync(tick, cancellationToken), AnswerAsync(requests.Reader, publish, cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task SubscribeAsync(ChannelWriter<bool> requests, CancellationToken cancellationToken)
    {
        try
        {
            await bus.SubscribeAsync(requestKeys, (_, _, _) =>
            {
                requests.TryWrite(true);
                return ValueTask.CompletedTask;
            }, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Stats are a side show: a failed subscription must not stop the agent; it only makes status wait longer.
            log.Warning("Stats requests ({Keys}) will not be answered: {Reason}", string.Join(", ", requestKeys), e.Message);
        }
    }

    private async Task TickAsync(Func<CancellationToken, Task> tick, CancellationToken cancellationToken)
    {
        if (interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(cancellationToken)) await tick(cancellationToken);
    }

    private async Task AnswerAsync(ChannelReader<bool> requests, Func<CancellationToken, Task> publish, CancellationToken cancellationToken)
    {
        while (await requests.WaitToReadAsync(cancellationToken))
        {
            requests.TryRead(out _);
            await publish(cancellationToken);
            await Task.Delay(RequestGap, time, cancellationToken);
        }
    }
}
