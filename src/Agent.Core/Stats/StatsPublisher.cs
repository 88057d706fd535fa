using Serilog;
using Agent.Core.Bus;
using Agent.Core.Protocol;
using Agent.Core.Relay;

namespace Agent.Core.Stats;

/// <summary>
/// Publishes an agent's <see cref="AgentStats"/> at start, then every interval with a one-line summary in the log, and
/// at once whenever someone publishes <see cref="StatsKeys.Request"/> (so <c>agent status</c> need not wait an
/// interval) or <see cref="Topics.IdentifyRequest"/> (so a router that starts later learns the agent at once). An interval of zero publishes no periodic message; requests are still answered.
/// An agent with an OpenWSN mesh publishes its <see cref="MeshReport"/> with every stats message, on its own key.
/// </summary>
public sealed class StatsPublisher(
    AgentName name, string kind, Func<IReadOnlyList<string>> addresses, TrafficCounters counters, IMessageBus bus,
    TimeSpan interval, ILogger log, TimeProvider time, string? instance = null, Func<long>? nameClashes = null,
    Func<MeshReport?>? mesh = null)
{
    private readonly long _started = time.GetTimestamp();

    public string Key => StatsKeys.Agent(name);

    public Task RunAsync(CancellationToken cancellationToken) =>
        new StatsCadence(bus, interval, log, time, [StatsKeys.Request, Topics.IdentifyRequest]).RunAsync(PublishAsync, async ct =>
        {
            var stats = await PublishAsync(ct);
            log.Information("Stats {Name}: {Summary}", name, stats.Summary());
        }, cancellationToken);

    private async Task<AgentStats> PublishAsync(CancellationToken cancellationToken)
    {
        var health = new BusHealth(bus.Resubscribes, bus.Blocked, nameClashes?.Invoke() ?? 0);
        var stats = AgentStats.Of(name.Value, kind, addresses(), counters, bus.Reconnects, time.GetElapsedTime(_started), health, instance);
        await bus.TryPublishAsync(Key, stats.ToJson(time.GetUtcNow()), cancellationToken);
        if (mesh?.Invoke() is { } report) await bus.TryPublishAsync(MeshReport.Key(name), report.ToJson(time.GetUtcNow()), cancellationToken);
        return stats;
    }
}
