using Serilog;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace Agent.Cli;

public enum LogFormat
{
    /// <summary>One line per event (more for a -vv hex dump) with its time and level, for people.</summary>
    Text,

    /// <summary>Compact JSON, one event per line (<c>@t</c>, <c>@m</c>, <c>@l</c> and the event's properties), for log shippers.</summary>
    Json,
}

/// <summary>
/// Where and how an agent logs: <c>-q</c> warnings only, default information, <c>-v</c> message bodies (debug),
/// <c>-vv</c> every packet with its hex dump (verbose). Text or JSON, to the console and, with <c>--log-file</c>, to a
/// rolling file (then the console shows warnings and errors only).
/// </summary>
public sealed record LogSettings(int Verbosity, bool Quiet, LogFormat Format, string? File, bool ConsoleIsStderr)
{
    // Session: "[vhost] " on the lines of a router that serves several sessions, nothing otherwise.
    public const string TextTemplate = "{Timestamp:HH:mm:ss.fff} {Level:u3} {Session:l}{Message:lj}{NewLine}{Exception}";

    /// <summary>A log file rolls over at this size, to NAME_001.EXT, NAME_002.EXT ...</summary>
    public const long FileSizeLimit = 10_000_000;

    /// <summary>How many log files are kept, the current one included.</summary>
    public const int FilesKept = 5;

    public LogEventLevel Level => Verbosity switch
    {
        >= 2 => LogEventLevel.Verbose,
        1 => LogEventLevel.Debug,
        _ => Quiet ? LogEventLevel.Warning : LogEventLevel.Information,
    };

    public Serilog.Core.Logger CreateLogger(long fileSizeLimit = FileSizeLimit)
    {
        var configuration = new LoggerConfiguration().MinimumLevel.Is(Level);
        var consoleLevel = File is null ? LevelAlias.Minimum : LogEventLevel.Warning;
        configuration.WriteTo.Console(Formatter(), consoleLevel, standardErrorFromLevel: ConsoleIsStderr ? LevelAlias.Minimum : null);
        if (File is not null)
        {
            configuration.WriteTo.File(Formatter(), File, fileSizeLimitBytes: fileSizeLimit, rollOnFileSizeLimit: true,
                retainedFileCountLimit: FilesKept);
        }
        return configuration.CreateLogger();
    }

    private ITextFormatter Formatter() => Format == LogFormat.Json
        ? new JsonLineFormatter()
        : new MessageTemplateTextFormatter(TextTemplate);
}
