using System.Collections.Concurrent;
using Serilog;
using Agent.Core.Protocol;

namespace Agent.Core.Routing;

/// <summary>
/// The agents a router knows: those it was given (never forgotten) and those it learnt from well-formed messages,
/// each with when it was last heard. An agent not heard from for <see cref="RouterOptions.ForgetAfter"/> is forgotten,
/// and no more than <see cref="RouterOptions.MaxAgents"/> are learnt, so that junk on <c>fromAgent.*</c> cannot grow the
/// table or the fan-out without bound. Thread-safe.
/// </summary>
public sealed class AgentTable
{
    private static readonly TimeSpan BoundLogGap = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, long> _heard = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _direct = new(StringComparer.Ordinal);
    private readonly HashSet<string> _given;
    private readonly RouterOptions _options;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private long _refused;
    private int _version;
    private long _lastBoundLog = long.MinValue;

    public AgentTable(IEnumerable<string> given, RouterOptions options, ILogger log, TimeProvider time)
    {
        _given = new HashSet<string>(given, StringComparer.Ordinal);
        _options = options;
        _log = log;
        _time = time;
        foreach (var agent in _given) _heard[agent] = time.GetTimestamp();
    }

    /// <summary>The agents known now, in name order.</summary>
    public IReadOnlyList<string> Names => _heard.Keys.Order(StringComparer.Ordinal).ToList();

    public bool IsEmpty => _heard.IsEmpty;

    private TimeSpan ForgetAfter => _options.ForgetAfter ?? RouterOptions.DefaultForgetAfter;

    /// <summary>Names refused because the table was full.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    public IEnumerable<string> Known => _heard.Keys;

    public bool IsKnown(string agent) => _heard.ContainsKey(agent);

    /// <summary>Changes whenever an agent is learnt or forgotten or its direct flag changes: routes worked out before are stale.</summary>
    public int Version => Volatile.Read(ref _version);

    /// <summary>A router-less agent (<c>"direct": true</c> in its announcement) takes its packets from the others' keys itself.</summary>
    public void SetDirect(string agent, bool direct)
    {
        if (direct ? _direct.TryAdd(agent, true) : _direct.TryRemove(agent, out _)) Interlocked.Increment(ref _version);
    }

    public bool IsDirect(string agent) => !_direct.IsEmpty && _direct.ContainsKey(agent);

    /// <summary>
    /// Notes that <paramref name="agent"/> spoke (a well-formed message). False when the name is not a valid agent name
    /// or the table is full: the caller then treats the message as from nobody it knows.
    /// </summary>
    public bool Heard(string agent)
    {
        var now = _time.GetTimestamp();
        if (_heard.ContainsKey(agent))
        {
            _heard[agent] = now;
            return true;
        }
        if (!AgentName.TryParse(agent, out _, out _)) return false;
        if (_heard.Count >= _options.MaxAgents)
        {
            Interlocked.Increment(ref _refused);
            if (_time.GetElapsedTime(Interlocked.Read(ref _lastBoundLog)) >= BoundLogGap || Interlocked.Read(ref _lastBoundLog) == long.MinValue)
            {
                Interlocked.Exchange(ref _lastBoundLog, now);
                _log.Warning("The router knows {Count} agents, its bound (--max-agents): {Agent} and others are not learnt", _heard.Count, agent);
            }
            return false;
        }
        if (_heard.TryAdd(agent, now))
        {
            Interlocked.Increment(ref _version);
            _log.Information("Learned agent {Agent}", agent);
        }
        return true;
    }

    /// <summary>Forgets the learnt agents silent for longer than <see cref="RouterOptions.ForgetAfter"/>; returns them.</summary>
    public IReadOnlyList<string> ForgetSilent()
    {
        var forgotten = new List<string>();
        foreach (var (agent, heard) in _heard)
        {
            if (_given.Contains(agent) || _time.GetElapsedTime(heard) < ForgetAfter) continue;
            if (_heard.TryRemove(agent, out _)) forgotten.Add(agent);
            _direct.TryRemove(agent, out _);
        }
        if (forgotten.Count > 0) Interlocked.Increment(ref _version);
        foreach (var agent in forgotten)
            _log.Information("Forgot agent {Agent}: not heard from for {Seconds:0} s (--forget-after)", agent, ForgetAfter.TotalSeconds);
        return forgotten;
    }
}
