using System.Collections.Concurrent;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace Agent.Testing;

/// <summary>Collects rendered log lines so that tests can assert on what was logged.</summary>
public sealed class CollectingSink : ILogEventSink
{
    public ConcurrentQueue<(LogEventLevel Level, string Text)> Events { get; } = new();

    private static readonly MessageTemplateTextFormatter Format = new("{Message:lj}");

    /// <summary>Called with each line as it is logged, on the logging thread: to act at the very moment of a line.</summary>
    public Action<string>? OnLine { get; set; }

    public void Emit(LogEvent logEvent)
    {
        var text = new StringWriter();
        Format.Format(logEvent, text);
        Events.Enqueue((logEvent.Level, text.ToString()));
        OnLine?.Invoke(text.ToString());
    }

    public IReadOnlyList<string> Lines => Events.Select(e => e.Text).ToList();

    public static (ILogger Log, CollectingSink Sink) Logger(LogEventLevel level = LogEventLevel.Information)
    {
        var sink = new CollectingSink();
        return (new LoggerConfiguration().MinimumLevel.Is(level).WriteTo.Sink(sink).CreateLogger(), sink);
    }
}
