using System.CommandLine;
using Serilog;
using Serilog.Events;
using Agent.Core.Bus;

namespace Agent.Cli;

/// <summary>The options every subcommand shares, defined once as recursive options of the root command.</summary>
public sealed class GlobalOptions
{
    public Option<string[]> Url { get; } = new("--url")
    {
        Description = "Session broker, amqp://user:password@host[:port]/vhost, amqps:// for TLS (default: the --url-file URL, else $AMQP_URL, else " +
                      AmqpUrl.Default + "); repeat it (or separate URLs with commas) for the nodes of a cluster, tried in order. " +
                      "Others can read it in the process list: give a password through --url-file or AMQP_URL",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<bool> ShuffleHosts { get; } = new("--shuffle-hosts")
    {
        Description = "Try the nodes of the URL list in a random order on every connect, rather than in the order given (many clients then spread over the cluster)",
        Recursive = true,
    };

    public Option<string?> UrlFile { get; } = new("--url-file")
    {
        Description = "Read the session URL from this file (its first line) instead of --url, so that the password stays out of the process list; keep it chmod 600",
        HelpName = "FILE",
        Recursive = true,
    };

    public Option<string?> TlsCa { get; } = new("--tls-ca")
    {
        Description = "amqps://: trust only this CA (PEM) for the broker's certificate, instead of the system's CAs",
        HelpName = "FILE",
        Recursive = true,
    };

    public Option<string?> TlsCert { get; } = new("--tls-cert")
    {
        Description = "amqps://: client certificate (PEM) for a broker that asks for one",
        HelpName = "FILE",
        Recursive = true,
    };

    public Option<string?> TlsKey { get; } = new("--tls-key")
    {
        Description = "amqps://: the client certificate's unencrypted private key (PEM); default: the --tls-cert file",
        HelpName = "FILE",
        Recursive = true,
    };

    public Option<bool> TlsInsecure { get; } = new("--tls-insecure")
    {
        Description = "amqps://: do not check the broker's certificate at all (anyone on the path can pose as the broker); for tests only",
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
        root.Options.Add(UrlFile);
        root.Options.Add(ShuffleHosts);
        root.Options.Add(TlsCa);
        root.Options.Add(TlsCert);
        root.Options.Add(TlsKey);
        root.Options.Add(TlsInsecure);
        root.Options.Add(Exchange);
        root.Options.Add(Verbose);
        root.Options.Add(Quiet);
        root.Options.Add(NoBanner);
        root.Options.Add(ConnectTimeout);
    }

    /// <summary>
    /// --url (each given), else the --url-file's URLs, else $AMQP_URL's, else the local default, and how TLS checks the
    /// broker. The password is never shown as a default in --help.
    /// </summary>
    public BusOptions Bus(ParseResult result, string clientName)
    {
        var warnings = new List<string>();
        var (texts, source) = UrlText(result, warnings);
        if (!SessionUrls.TryParse(texts, out var nodes, out var error)) throw new UsageException($"{source}: {error}");
        var url = nodes!.First;
        var timeout = result.GetValue(ConnectTimeout);
        if (timeout <= 0) throw new UsageException("--connect-timeout must be a positive number of seconds");
        var tls = TlsFiles.Load(url!, result.GetValue(TlsCa), result.GetValue(TlsCert), result.GetValue(TlsKey), result.GetValue(TlsInsecure), warnings);
        return new BusOptions(url, result.GetValue(Exchange)!, TimeSpan.FromSeconds(timeout), clientName, tls)
        {
            Nodes = nodes,
            ShuffleNodes = result.GetValue(ShuffleHosts),
            Warnings = warnings,
        };
    }

    private (string[] Texts, string Source) UrlText(ParseResult result, List<string> warnings)
    {
        var (urls, file) = (result.GetValue(Url) ?? [], result.GetValue(UrlFile));
        if (urls.Length > 0 && file is not null) throw new UsageException("give --url or --url-file, not both");
        if (urls.Length > 0) return (urls, "--url");
        if (file is not null) return ([SecretFile.ReadUrl(file, warnings)], $"--url-file {file}");
        if (Environment.GetEnvironmentVariable("AMQP_URL") is { } fromEnvironment) return ([fromEnvironment], "AMQP_URL");
        return ([AmqpUrl.Default], "--url");
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
            // Session: "[vhost] " on the lines of a router that serves several sessions, nothing otherwise.
            .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {Session:l}{Message:lj}{NewLine}{Exception}")
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
