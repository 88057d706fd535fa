using System.Collections.Concurrent;

namespace Agent.Core.Capture;

/// <summary>What a capture wrote per agent and what it skipped, by reason. Thread-safe.</summary>
public sealed class CaptureCounters
{
    /// <summary>A <c>fromAgent.&lt;name&gt;.….packet.raw</c> key of neither IP nor 802.15.4 kind: no link type to file it under.</summary>
    public const string UnknownLinkType = "unknown-link-type";

    /// <summary>The capture file could not be written (disk full, removed directory).</summary>
    public const string WriteFailed = "write-failed";

    private readonly ConcurrentDictionary<string, long> _captured = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _skipped = new(StringComparer.Ordinal);

    public void CountCaptured(string agent) => _captured.AddOrUpdate(agent, 1, (_, n) => n + 1);

    public void CountSkipped(string reason) => _skipped.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public long Captured(string agent) => _captured.GetValueOrDefault(agent);

    public long TotalCaptured => _captured.Values.Sum();

    public long Skipped(string reason) => _skipped.GetValueOrDefault(reason);

    public long TotalSkipped => _skipped.Values.Sum();

    /// <summary><c>agent_1 20, agent_2 21</c>, or <c>none</c>.</summary>
    public string PerAgent() =>
        _captured.IsEmpty ? "none" : string.Join(", ", _captured.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));

    /// <summary><c>skipped 2 (malformed-json 2)</c>, or empty when nothing was skipped.</summary>
    public string SkippedSummary() =>
        _skipped.IsEmpty ? "" : $"skipped {TotalSkipped} ({string.Join(", ", _skipped.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value}"))})";
}
