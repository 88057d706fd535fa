using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;
using Serilog.Formatting.Json;

namespace Agent.Cli;

/// <summary>
/// <c>--log-format json</c>: one compact JSON object per line in the CLEF shape log shippers read, <c>@t</c> (UTC),
/// <c>@l</c>, <c>@m</c> (the message as the text log shows it, strings unquoted), <c>@x</c> for an exception, then the
/// event's properties (<c>Direction</c>, <c>Count</c>, <c>Hex</c> ...) as JSON values.
/// </summary>
public sealed class JsonLineFormatter : ITextFormatter
{
    private static readonly MessageTemplateTextFormatter Message = new("{Message:lj}");
    private static readonly JsonValueFormatter Values = new(typeTagName: null);

    public void Format(LogEvent logEvent, TextWriter output)
    {
        output.Write("{\"@t\":\"");
        output.Write(logEvent.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture));
        output.Write("\",\"@l\":\"");
        output.Write(logEvent.Level.ToString());
        output.Write("\",\"@m\":");
        var message = new StringWriter(CultureInfo.InvariantCulture);
        Message.Format(logEvent, message);
        JsonValueFormatter.WriteQuotedJsonString(message.ToString(), output);
        if (logEvent.Exception is not null)
        {
            output.Write(",\"@x\":");
            JsonValueFormatter.WriteQuotedJsonString(logEvent.Exception.ToString(), output);
        }
        foreach (var (name, value) in logEvent.Properties)
        {
            output.Write(',');
            JsonValueFormatter.WriteQuotedJsonString(name.StartsWith('@') ? "@" + name : name, output);
            output.Write(':');
            Values.Format(value, output);
        }
        output.Write("}\n");
    }
}
