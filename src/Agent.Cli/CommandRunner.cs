using System.CommandLine;
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
    public static async Task<int> RunAsync(GlobalOptions global, ParseResult result, string subcommand,
        Func<ILogger, Task> body)
    {
        ILogger? log = null;
        try
        {
            log = global.Logger(result);
            global.Banner(result, subcommand);
            await body(log);
            return 0;
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"agent {subcommand}: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is BusUnreachableException or AgentStartException or TunUnavailableException or InterfaceConfigurationException
            or UnauthorizedAccessException or NotASerialDeviceException)
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
