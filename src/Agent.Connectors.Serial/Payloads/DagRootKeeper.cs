using Serilog;
using Agent.Connectors.Serial.OpenWsn;
using Agent.Core.Addressing;

namespace Agent.Connectors.Serial.Payloads;

/// <summary>
/// Finds the OpenWSN mote on the line and keeps it DAG root (OPENWSN.md C, C2, D.5): a status frame names it, else the
/// serial echo probe finds it; it is told to be root until its status says so, and again after a reboot. Everything it
/// sends goes down the link's one write path.
/// </summary>
public sealed class DagRootKeeper
{
    /// <summary>How long to listen for a status frame before probing with a serial echo (C2).</summary>
    private static readonly TimeSpan PassiveDetection = TimeSpan.FromSeconds(1.5);

    /// <summary>How long to wait for the mote to act on a set-root request before asking again.</summary>
    private static readonly TimeSpan RootRequestSpacing = TimeSpan.FromSeconds(2);

    private readonly Ipv6Prefix _prefix;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly byte[] _key = new byte[16];
    private readonly Lock _lock = new();
    private Eui64? _root;
    private bool _isRoot;
    private bool _detected;
    private long _openedAt;
    private long _lastRootRequest;
    private EchoProbe? _probe;

    public DagRootKeeper(Ipv6Prefix prefix, ILogger log, TimeProvider time, Random random)
    {
        _prefix = prefix;
        _log = log;
        _time = time;
        _random = random;
        // openvisualizer's JRC draws the L2 key at every start (OPENWSN.md C); it only matters with l2-security firmware.
        random.NextBytes(_key);
    }

    /// <summary>The DAG root mote, once known.</summary>
    public Eui64? Root
    {
        get { lock (_lock) return _root; }
    }

    /// <summary>The line was (re)opened: whatever is on it now must be found again.</summary>
    public void OnOpened()
    {
        lock (_lock)
        {
            _detected = false;
            _isRoot = false;
            _probe = null;
            _openedAt = _time.GetTimestamp();
        }
    }

    /// <summary>About once a second: probe a silent line, or repeat the set-root request.</summary>
    public void OnTick(IMoteLink link)
    {
        byte[]? send = null;
        lock (_lock)
        {
            if (!_detected && _time.GetElapsedTime(_openedAt) >= PassiveDetection)
            {
                // No status frame (or --no-status firmware): ask with the serial echo, as openvisualizer does (C2).
                _probe = EchoProbe.Create(_random);
                send = _probe.Request();
            }
            else if (_detected && !_isRoot && _time.GetElapsedTime(_lastRootRequest) >= RootRequestSpacing)
            {
                send = RootRequest();
            }
        }
        if (send is not null) link.Reply(send);
    }

    /// <summary>True (and consumed) when <paramref name="frame"/> answers our serial echo probe.</summary>
    public bool TryTakeProbeReply(ReadOnlySpan<byte> frame, IMoteLink link)
    {
        lock (_lock)
        {
            if (_probe is not { } probe || !probe.IsReply(frame)) return false;
            _probe = null;
            _detected = true;
        }
        link.Print("an OpenWSN mote answered the serial echo probe; waiting for its identity (status frame)");
        return true;
    }

    /// <summary>Any status frame proves an OpenWSN mote is talking.</summary>
    public void OnStatus()
    {
        lock (_lock) _detected = true;
    }

    /// <summary>The IdManager status: who the mote is and whether it is root. True when it has just become root.</summary>
    public bool OnIdentity(MoteFrame.IdManager id, IMoteLink link)
    {
        byte[]? send = null;
        bool becameRoot;
        lock (_lock)
        {
            if (!_detected || _root != id.Eui64)
                link.Print($"found OpenWSN mote {id.Eui64}, DAG root: {(id.IsDagRoot ? "yes" : "no")}");
            _detected = true;
            _probe = null;
            _root = id.Eui64;
            becameRoot = id.IsDagRoot && !_isRoot;
            if (!id.IsDagRoot && _isRoot) link.Print($"{id.Eui64} is no longer DAG root (a reboot?); making it root again");
            _isRoot = id.IsDagRoot;
            if (!id.IsDagRoot && _time.GetElapsedTime(_lastRootRequest) >= RootRequestSpacing) send = RootRequest();
        }
        if (send is not null) link.Reply(send);
        if (becameRoot) link.Print($"{id.Eui64} is DAG root of {_prefix}");
        return becameRoot;
    }

    /// <summary>
    /// Only a DAG root bridges D frames, and their header names it: enough when the firmware prints no status. True when
    /// that made it known as root.
    /// </summary>
    public bool OnBridged(Eui64 root, IMoteLink link)
    {
        lock (_lock)
        {
            if (_isRoot || _root is not null) return false;
            _root = root;
            _isRoot = _detected = true;
        }
        link.Print($"{root} is DAG root of {_prefix} (it bridges the mesh's data)");
        return true;
    }

    /// <summary>R, Y (set, idempotent: openvisualizer's toggle can un-root a root, D.5), prefix, key index 1, key.</summary>
    private byte[] RootRequest()
    {
        _lastRootRequest = _time.GetTimestamp();
        _log.Information("Making {Mote} DAG root of {Prefix}", _root?.ToString() ?? "the mote", _prefix);
        return SetRootFrame.Build(_prefix, SetRootFrame.DefaultKeyIndex, _key);
    }
}
