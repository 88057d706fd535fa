using System.CommandLine;
using Serilog;
using Serilog.Events;
using Agent.Core.Bus;
using Agent.Core.Stats;

namespace Agent.Cli;

/// <summary>
/// <c>agent status</c>: the session's agents and router replicas as a table, from their stats messages. It asks for
/// fresh stats (<see cref="StatsKeys.Request"/>) rather than waiting an interval.
/// </summary>
public static class StatusCommand
{
    /// <summary>How often <c>--watch</c> asks again and redraws.</summary>
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);

    /// <summary>Home the cursor and clear the screen.</summary>
    private const string ClearScreen = "\u001b[H\u001b[2J";

    public static Command Create(GlobalOptions global, TimeProvider time)
    {
        var watch = new Option<bool>("--watch", "-w") { Description = "Ask again and redraw the table every second, until Ctrl-C" };
        var wait = new Option<double>("--wait")
        {
            Description = "Seconds to collect answers before printing",
            DefaultValueFactory = _ => 2,
            HelpName = "SECONDS",
        };
        var command = new Command("status", $"""
            List the session's agents (kind, addresses, last seen, packets and bytes each way, drops, reconnects, uptime) and its router.
            Asks every agent for fresh stats ({StatsKeys.Request}) and prints what answered within --wait seconds. Exits 0 even
            when no agent answered (it says so); 1 when the broker cannot be asked.

            Examples:
              agent status --url amqp://user:pass@broker/session
              agent status --url amqp://user:pass@broker/session --watch
              agent status --url amqps://user:pass@broker/session --tls-ca session-ca.pem --tls-cert me.pem --tls-key me.key
            """);
        command.Options.Add(watch);
        command.Options.Add(wait);
        command.SetAction((result, token) => CommandRunner.RunAsync(global, result, "status", token, async (_, cancellationToken) =>
        {
            var seconds = result.GetValue(wait);
            if (!(seconds > 0) || double.IsInfinity(seconds)) throw new UsageException("--wait must be a positive number of seconds");
            var busOptions = global.Bus(result, "agent status");

            // stdout is for the table: the bus logs warnings (and with -v, everything) to stderr.
            using var busLog = new LoggerConfiguration()
                .MinimumLevel.Is(result.GetValue(global.Verbose) ? LogEventLevel.Debug : LogEventLevel.Warning)
                .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {Message:lj}{NewLine}{Exception}",
                    standardErrorFromLevel: LogEventLevel.Verbose)
                .CreateLogger();
            await using var bus = await RabbitMqBus.ConnectAsync(busOptions, busLog, time, cancellationToken);
            var status = new SessionStatus(time);
            await bus.SubscribeAsync(SessionStatus.BindingKeys, (key, body, _) =>
            {
                status.Observe(key, body.Span);
                return ValueTask.CompletedTask;
            }, cancellationToken);

            var terminal = !Console.IsOutputRedirected;
            try
            {
                await AskAsync(bus, busLog, cancellationToken);
                await Task.Delay(TimeSpan.FromSeconds(seconds), time, cancellationToken);
                await DrawAsync(status, busOptions, time, clear: terminal && result.GetValue(watch));
                if (!result.GetValue(watch)) return;
                while (true)
                {
                    await AskAsync(bus, busLog, cancellationToken);
                    await Task.Delay(Refresh, time, cancellationToken);
                    await DrawAsync(status, busOptions, time, clear: terminal);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl-C is how --watch ends: a normal exit.
            }
        }));
        return command;
    }

    private static async Task AskAsync(IMessageBus bus, ILogger log, CancellationToken cancellationToken)
    {
        if (!await bus.TryPublishAsync(StatsKeys.Request, StatsKeys.RequestBody("agent status"), cancellationToken))
            log.Warning("Could not publish {Key} (broker connection lost); showing what arrives anyway", StatsKeys.Request);
    }

    private static async Task DrawAsync(SessionStatus status, BusOptions bus, TimeProvider time, bool clear)
    {
        var header = $"Session {bus.Nodes.Masked} at {time.GetLocalNow():HH:mm:ss}\n\n";
        await Console.Out.WriteAsync((clear ? ClearScreen : "") + header + status.Render());
        if (!clear) await Console.Out.WriteLineAsync();
    }
}
