namespace Agent.Core.Routing;

/// <summary>
/// The links of a session (<c>--link a,b,c</c>, repeatable): an agent reaches the members of every link it is on
/// (the union; the original kept only the last link). With no links, every agent reaches every other.
/// </summary>
public sealed class LinkTable(IReadOnlyList<IReadOnlyList<string>> links)
{
    public bool IsEmpty => links.Count == 0;

    /// <summary>Whether a packet from <paramref name="from"/> may go to <paramref name="to"/>.</summary>
    public bool Connects(string from, string to) =>
        IsEmpty || links.Any(link => link.Contains(from) && link.Contains(to));

    /// <summary>Every agent named on some link.</summary>
    public IEnumerable<string> Members => links.SelectMany(l => l).Distinct(StringComparer.Ordinal);
}
