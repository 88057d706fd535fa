using FirmwareSim.OpenWsn;

namespace FirmwareSim.Tests;

/// <summary>An ASN that reads the given values in turn (the vectors' ASNs), then stays at the last one.</summary>
public sealed class ScriptedAsn(long first = AsnClock.VectorAsn) : IAsnClock
{
    private readonly Queue<long> _next = new();
    private long _current = first;

    public void Then(params long[] values)
    {
        foreach (var value in values) _next.Enqueue(value);
    }

    public long Read() => _next.TryDequeue(out var value) ? _current = value : _current;
}
