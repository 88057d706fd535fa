using System.CommandLine;
using System.Runtime.InteropServices;
using Serilog;
using Agent.Connectors.Serial.Line;
using Agent.Connectors.Tun;
using Agent.Core.Agents;
using Agent.Core.Bus;

namespace Agent.Cli;

/// <summary>
/// Runs a subcommand's body: logger, banner, and the one place where errors the user can cause become one clear
/// line and an exit code (2 for usage, 1 for everything else), never a stack trace.
/// </summary>
public static class CommandRunner
{
    /// <param name="token">Cancelled by SIGINT and SIGTERM; SIGHUP (the terminal closed) cancels the body too.</param>
    public static async Task<int> RunAsync(GlobalOptions global, ParseResult result, string subcommand, CancellationToken token,
        Func<ILogger, CancellationToken, Task> body)
    {
        ILogger? log = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
        {
            signal.Cancel = true; // a clean stop, with counters and goodbye, rather than the default death
            stop.Cancel();
        });
        try
        {
            log = global.Logger(result);
            global.Banner(result, subcommand);
            await body(log, stop.Token);
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Asked to stop before the body could finish starting (during the first connect): a clean stop too.
            log?.Information("Stopped before it started");
            return 0;
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"agent {subcommand}: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is BusUnreachableException or AgentStartException or TunUnavailableException or InterfaceConfigurationException
            or UnauthorizedAccessException or NotASerialDeviceException or QueueMismatchException)
        {
            await Console.Error.WriteLineAsync($"agent {subcommand}: {e.Message}");
            return 1;
        }
        catch (Exception e)
        {
            log?.Debug(e, "Unexpected failure");
            await Console.Error.WriteLineAsync($"agent {subcommand}: unexpected failure: {e.GetType().Name}: {e.Message} (run with -v for details)");
            return 1;
        }
        finally
        {
            (log as IDisposable)?.Dispose();
        }
    }
}
