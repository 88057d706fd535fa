namespace Agent.Core.Drops;

/// <summary>Counts of drops by <see cref="DropReason"/>. Thread-safe and allocation-free to count.</summary>
public sealed class DropCounts
{
    private readonly long[] _counts = new long[DropReasons.All.Count];

    public void Count(DropReason reason) => Interlocked.Increment(ref _counts[(int)reason]);

    public long this[DropReason reason] => Interlocked.Read(ref _counts[(int)reason]);

    public long Total
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _counts.Length; i++) total += Interlocked.Read(ref _counts[i]);
            return total;
        }
    }

    /// <summary>The reasons counted at least once, by name, in name order: what the stats body carries.</summary>
    public IReadOnlyDictionary<string, long> ByName()
    {
        var byName = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var reason in DropReasons.All)
            if (this[reason] is var n and > 0) byName[reason.Name()] = n;
        return byName;
    }

    /// <summary><c>dropped 0</c>, or <c>dropped 3 (malformed-json 1, not-ip-packet 2)</c>.</summary>
    public override string ToString() => DropReasons.Describe(ByName());
}
