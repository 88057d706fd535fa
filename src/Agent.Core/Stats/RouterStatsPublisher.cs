using Serilog;
using Agent.Core.Bus;

namespace Agent.Core.Stats;

/// <summary>
/// Publishes a router replica's <see cref="RouterStats"/> on <see cref="StatsKeys.Router"/> as
/// <see cref="StatsPublisher"/> does an agent's: at start, every interval with a summary line, and on each
/// <see cref="StatsKeys.Request"/>. Its request subscription is private to the replica, so every replica answers.
/// </summary>
public sealed class RouterStatsPublisher(Func<RouterStats> stats, IMessageBus bus, TimeSpan interval, ILogger log, TimeProvider time)
{
    public string Key => StatsKeys.Router;

    public Task RunAsync(CancellationToken cancellationToken) =>
        new StatsCadence(bus, interval, log, time, [StatsKeys.Request]).RunAsync(PublishAsync, async ct =>
        {
            var published = await PublishAsync(ct);
            log.Information("Stats {Component} {Replica}: {Summary}", published.Component, published.Replica, published.Summary());
        }, cancellationToken);

    private async Task<RouterStats> PublishAsync(CancellationToken cancellationToken)
    {
        var current = stats();
        await bus.TryPublishAsync(Key, current.ToJson(time.GetUtcNow()), cancellationToken);
        return current;
    }
}
