using System.Collections.Concurrent;
using Agent.Core.Drops;

namespace Agent.Core.Capture;

/// <summary>What a capture wrote per agent and what it skipped, by reason. Thread-safe.</summary>
public sealed class CaptureCounters
{
    private readonly ConcurrentDictionary<string, long> _captured = new(StringComparer.Ordinal);
    private readonly DropCounts _skipped = new();
    private long _cut;

    public void CountCaptured(string agent) => _captured.AddOrUpdate(agent, 1, (_, n) => n + 1);

    public void CountSkipped(DropReason reason) => _skipped.Count(reason);

    /// <summary>A record written, but longer than the snap length and cut to it.</summary>
    public void CountCut() => Interlocked.Increment(ref _cut);

    public long Cut => Interlocked.Read(ref _cut);

    public long Captured(string agent) => _captured.GetValueOrDefault(agent);

    public long TotalCaptured => _captured.Values.Sum();

    public long Skipped(DropReason reason) => _skipped[reason];

    public long TotalSkipped => _skipped.Total;

    /// <summary><c>agent_1 20, agent_2 21</c>, or <c>none</c>.</summary>
    public string PerAgent() =>
        _captured.IsEmpty ? "none" : string.Join(", ", _captured.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));

    /// <summary><c>skipped 2 (malformed-json 2)</c>, or empty when nothing was skipped.</summary>
    public string SkippedSummary() => _skipped.Total == 0 ? "" : DropReasons.Describe(_skipped.ByName(), "skipped");

    /// <summary><c>2 cut to the snap length</c>, or empty when none was.</summary>
    public string CutSummary() => Cut == 0 ? "" : $"{Cut} cut to the snap length";
}
