using Serilog;
using Agent.Core.Bus;
using Agent.Core.Protocol;
using Agent.Core.Relay;

namespace Agent.Core.Stats;

/// <summary>
/// Publishes an agent's <see cref="AgentStats"/> at start and then every interval, and logs a one-line summary each
/// interval. An interval of zero publishes only the first message.
/// </summary>
public sealed class StatsPublisher(
    AgentName name, string kind, Func<IReadOnlyList<string>> addresses, TrafficCounters counters, IMessageBus bus,
    TimeSpan interval, ILogger log, TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();

    public string Key => $"fromAgent.{name}.stats";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PublishAsync(cancellationToken);
            if (interval <= TimeSpan.Zero) return;
            using var timer = new PeriodicTimer(interval, time);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var stats = await PublishAsync(cancellationToken);
                log.Information("Stats {Name}: {Summary}", name, stats.Summary());
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task<AgentStats> PublishAsync(CancellationToken cancellationToken)
    {
        var stats = AgentStats.Of(name.Value, kind, addresses(), counters, bus.Reconnects, time.GetElapsedTime(_started));
        await bus.TryPublishAsync(Key, stats.ToJson(time.GetUtcNow()), cancellationToken);
        return stats;
    }
}
