using System.Globalization;
using System.Text;

namespace Agent.Core.Relay;

/// <summary>
/// Text a device printed (a mote's debug output), made safe to log: one line per log event, so that no embedded newline
/// can forge a log line of ours, and every control or format character escaped (<c>\x1b</c>, <c>\x07</c>,
/// <c>\u202e</c>), so that no escape sequence, bell or bidirectional override reaches the operator's terminal. A
/// backslash is doubled, so that a mote cannot fake an escape either.
/// </summary>
public static class DeviceText
{
    /// <summary>The lines of <paramref name="text"/> (split at CR, LF and CR LF), blank ones left out, each escaped.</summary>
    public static IReadOnlyList<string> Lines(string text) =>
        text.Split(["\r\n", "\n", "\r"], StringSplitOptions.None)
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line => Escape(line.TrimEnd()))
            .ToList();

    /// <summary><paramref name="line"/> with every character a terminal would act on written as an escape.</summary>
    public static string Escape(string line)
    {
        var escaped = new StringBuilder(line.Length);
        foreach (var c in line)
        {
            if (c == '\\') escaped.Append(@"\\");
            else if (!NeedsEscape(c)) escaped.Append(c);
            else if (c <= 0xFF) escaped.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            else escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
        }
        return escaped.ToString();
    }

    private static bool NeedsEscape(char c) =>
        char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c)
            is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
