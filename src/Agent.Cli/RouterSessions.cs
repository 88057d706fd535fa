using Serilog;
using Agent.Core.Bus;
using Agent.Core.Relay;
using Agent.Core.Routing;
using Agent.Core.Stats;

namespace Agent.Cli;

/// <summary>
/// The router of one session or of several (<c>--vhost</c>), each with its own connection, router and stats, in one
/// process: a session's log lines start with its vhost. When one session cannot start (its vhost missing, no
/// permission), the others stop too and that failure is the outcome.
/// </summary>
public static class RouterSessions
{
    public static async Task RunAsync(IReadOnlyList<(string? Vhost, BusOptions Bus)> sessions, RouterOptions options, TimeSpan statsInterval,
        ILogger log, TimeProvider time, CancellationToken cancellationToken)
    {
        if (sessions.Count == 1)
        {
            await RunOneAsync(sessions[0].Bus, options, statsInterval, log, time, cancellationToken);
            return;
        }
        using var all = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var runs = sessions.Select(async session =>
        {
            try
            {
                await RunOneAsync(session.Bus, options, statsInterval, log.ForContext("Session", $"[{session.Vhost}] "), time, all.Token);
            }
            catch
            {
                await all.CancelAsync();
                throw;
            }
        }).ToList();
        try
        {
            await Task.WhenAll(runs);
        }
        catch when (runs.Select(r => r.Exception?.InnerException).FirstOrDefault(e => e is not null and not OperationCanceledException) is { } first)
        {
            throw first;
        }
    }

    private static async Task RunOneAsync(BusOptions busOptions, RouterOptions options, TimeSpan statsInterval, ILogger log, TimeProvider time,
        CancellationToken cancellationToken)
    {
        await using var bus = await RabbitMqBus.ConnectAsync(busOptions, log, time, cancellationToken);
        using var packetLog = new PacketLog(log, time);
        var router = new PacketRouter(bus, options, log, packetLog, time);
        var replica = $"{Environment.MachineName}:{Environment.ProcessId}";
        var started = time.GetTimestamp();
        var stats = new RouterStatsPublisher(() => router.Stats(replica, time.GetElapsedTime(started)), bus, statsInterval, log, time);
        // The publisher stops when the router does; the router's outcome (an error included) is the outcome.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var publishing = stats.RunAsync(stop.Token);
        try
        {
            await router.RunAsync(cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await publishing;
        }
    }
}
