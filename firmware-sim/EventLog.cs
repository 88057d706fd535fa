namespace FirmwareSim;

/// <summary>
/// One line per event worth knowing, on stdout. Events of one kind (an echo answered, a frame ignored) are
/// rate-limited to one line per interval; the next line of that kind says how many were not shown.
/// </summary>
public sealed class EventLog(TextWriter writer, TimeProvider time, TimeSpan? interval = null)
{
    public const string Prefix = "firmware-sim: ";

    private readonly TimeSpan _interval = interval ?? TimeSpan.FromSeconds(1);
    private readonly Dictionary<string, (long LastShown, int Suppressed)> _kinds = new();

    /// <summary>Always shown: start, stop, unplug, replug, errors.</summary>
    public void Line(string text)
    {
        lock (_kinds) writer.WriteLine(Prefix + text);
    }

    /// <summary>Shown unless an event of the same <paramref name="kind"/> was shown within the interval.</summary>
    public void Event(string kind, string text)
    {
        lock (_kinds)
        {
            var now = time.GetTimestamp();
            if (_kinds.TryGetValue(kind, out var last) && time.GetElapsedTime(last.LastShown, now) < _interval)
            {
                _kinds[kind] = (last.LastShown, last.Suppressed + 1);
                return;
            }
            var suppressed = last.Suppressed > 0 ? $" (+{last.Suppressed} more not shown)" : "";
            _kinds[kind] = (now, 0);
            writer.WriteLine(Prefix + text + suppressed);
        }
    }
}
