using System.CommandLine;
using Serilog;
using Serilog.Events;
using Agent.Core.Bus;

namespace Agent.Cli;

/// <summary>The options every subcommand shares, defined once as recursive options of the root command.</summary>
public sealed class GlobalOptions
{
    public Option<string?> Url { get; } = new("--url")
    {
        Description = "Session broker, amqp://user:password@host[:port]/vhost (default: $AMQP_URL, else " + AmqpUrl.Default + ")",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<string> Exchange { get; } = new("--exchange")
    {
        Description = "Topic exchange of the session",
        DefaultValueFactory = _ => BusOptions.DefaultExchange,
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Log message bodies too (debug level)",
        Recursive = true,
    };

    public Option<bool> Quiet { get; } = new("--quiet", "-q")
    {
        Description = "Log warnings and errors only",
        Recursive = true,
    };

    public Option<bool> NoBanner { get; } = new("--no-banner")
    {
        Description = "Do not print the banner (it is shown only on a terminal anyway)",
        Recursive = true,
    };

    public Option<double> ConnectTimeout { get; } = new("--connect-timeout")
    {
        Description = "Seconds to keep retrying the first connection to the broker",
        DefaultValueFactory = _ => 30,
        HelpName = "SECONDS",
        Recursive = true,
    };

    public Option<double> StatsInterval { get; } = new("--stats-interval")
    {
        Description = "Seconds between stats messages (fromAgent.<name>.stats, router.stats) and summary log lines; 0: one at start, then only on request",
        DefaultValueFactory = _ => 10,
        HelpName = "SECONDS",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Options.Add(StatsInterval);
        root.Options.Add(Url);
        root.Options.Add(Exchange);
        root.Options.Add(Verbose);
        root.Options.Add(Quiet);
        root.Options.Add(NoBanner);
        root.Options.Add(ConnectTimeout);
    }

    /// <summary>--url, else $AMQP_URL, else the local default. The password is never shown as a default in --help.</summary>
    public BusOptions Bus(ParseResult result, string clientName)
    {
        var text = result.GetValue(Url) ?? Environment.GetEnvironmentVariable("AMQP_URL") ?? AmqpUrl.Default;
        if (!AmqpUrl.TryParse(text, out var url, out var error)) throw new UsageException($"--url: {error}");
        var timeout = result.GetValue(ConnectTimeout);
        if (timeout <= 0) throw new UsageException("--connect-timeout must be a positive number of seconds");
        return new BusOptions(url!, result.GetValue(Exchange)!, TimeSpan.FromSeconds(timeout), clientName);
    }

    public TimeSpan Stats(ParseResult result) =>
        result.GetValue(StatsInterval) is var seconds && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new UsageException("--stats-interval must be zero or a positive number of seconds");

    public ILogger Logger(ParseResult result)
    {
        var level = result.GetValue(Verbose) ? LogEventLevel.Debug
            : result.GetValue(Quiet) ? LogEventLevel.Warning
            : LogEventLevel.Information;
        return new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {Message:lj}{NewLine}{Exception}")
            .CreateLogger();
    }

    public void Banner(ParseResult result, string subcommand)
    {
        if (result.GetValue(NoBanner) || Console.IsOutputRedirected) return;
        Console.WriteLine($"""
               _    ___ ___ _  _ _____
              /_\  / __| __| \| |_   _|   F-Interop / ioppytest agent
             / _ \| (_ | _|| .` | | |     {subcommand}
            /_/ \_\\___|___|_|\_| |_|

            """);
    }
}
