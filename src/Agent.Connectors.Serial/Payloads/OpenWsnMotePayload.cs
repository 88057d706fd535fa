using System.Net;
using Serilog;
using Serilog.Events;
using Agent.Connectors.Serial.OpenWsn;
using Agent.Core.Addressing;
using Agent.Core.Packets;
using Agent.Core.Relay;

namespace Agent.Connectors.Serial.Payloads;

/// <summary>
/// The host side of an OpenWSN DAG root (OPENWSN.md E): finds the mote (a status frame, else the serial echo probe),
/// makes it DAG root and makes it so again after a reboot, turns the mesh's bridged 6LoWPAN datagrams into IPv6 packets
/// (DAOs build the topology and stop here), and sends session packets for its motes down their source routes.
/// </summary>
public sealed class OpenWsnMotePayload : IMotePayload
{
    /// <summary>openvisualizer leaves 10 ms between the fragments of a datagram (OPENWSN.md D.4.4).</summary>
    private static readonly TimeSpan FragmentSpacing = TimeSpan.FromMilliseconds(10);

    /// <summary>How long to listen for a status frame before probing with a serial echo (C2).</summary>
    private static readonly TimeSpan PassiveDetection = TimeSpan.FromSeconds(1.5);

    private readonly Ipv6Prefix _prefix;
    private readonly MoteAddresses _addresses;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly byte[] _key = new byte[16];
    private readonly MeshToHost _up;
    private readonly HostToMesh _down;
    private readonly Lock _lock = new();
    private Eui64? _root;
    private bool _isRoot;
    private bool _detected;
    private long _openedAt;
    private long _lastRootRequest;
    private EchoProbe? _probe;

    public OpenWsnMotePayload(Ipv6Prefix prefix, MoteAddresses addresses, ILogger log, TimeProvider time, Random random)
    {
        _prefix = prefix;
        _addresses = addresses;
        _log = log;
        _time = time;
        _random = random;
        // openvisualizer's JRC draws the L2 key at every start (OPENWSN.md C); it only matters with l2-security firmware.
        random.NextBytes(_key);
        _up = new MeshToHost(prefix, time);
        _down = new HostToMesh(prefix, _up.Topology.Route);
    }

    public TimeSpan FrameSpacing => FragmentSpacing;

    /// <summary>The mesh as seen so far: motes known, routes, reassembly, for the logs and stats.</summary>
    public string MeshSummary =>
        $"{_up.Topology.Motes.Count} motes, {_up.Topology.Count} routes, {_up.Fragments} fragments, {_up.Reassembled} reassembled, "
        + $"{_up.Expired} reassembly expiries, {_up.Daos} DAOs";

    /// <summary>The global addresses of the motes the topology knows.</summary>
    public IEnumerable<IPAddress> MoteAddresses => _up.Topology.Motes.Select(m => m.WithPrefix(_prefix));

    public void OnOpened(IMoteLink link)
    {
        lock (_lock)
        {
            _detected = false;
            _isRoot = false;
            _probe = null;
            _openedAt = _time.GetTimestamp();
        }
    }

    public void OnTick(IMoteLink link)
    {
        _up.ExpireStale();
        byte[]? send = null;
        lock (_lock)
        {
            if (!_detected && _time.GetElapsedTime(_openedAt) >= PassiveDetection)
            {
                // No status frame (or --no-status firmware): ask with the serial echo, as openvisualizer does (C2).
                _probe = EchoProbe.Create(_random);
                send = _probe.Request();
            }
            else if (_detected && !_isRoot && _time.GetElapsedTime(_lastRootRequest) >= TimeSpan.FromSeconds(2))
            {
                send = RootRequest();
            }
        }
        if (send is not null) link.Reply(send);
    }

    public void FromMote(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> wire, IMoteLink link)
    {
        if (_probe is { } probe && probe.IsReply(frame))
        {
            lock (_lock)
            {
                _probe = null;
                _detected = true;
            }
            link.Print("an OpenWSN mote answered the serial echo probe; waiting for its identity (status frame)");
            return;
        }
        switch (MoteFrameParser.Parse(frame))
        {
            case MoteFrame.IdManager id:
                OnIdentity(id, link);
                return;
            case MoteFrame.Status:
                lock (_lock) _detected = true;
                return;
            case MoteFrame.Data data:
                OnData(data, link);
                return;
            case MoteFrame.Log entry:
                var level = entry.Severity switch
                {
                    OpenWsnLogSeverity.Critical or OpenWsnLogSeverity.Error => LogEventLevel.Warning,
                    OpenWsnLogSeverity.Verbose => LogEventLevel.Debug,
                    _ => LogEventLevel.Information,
                };
                _log.Write(level, "Mote {Mote:x4} {Severity}: component 0x{Component:x2} code 0x{Code:x2} args {Arg1} {Arg2}",
                    entry.MoteId, entry.Severity, entry.Component, entry.Code, entry.Arg1, entry.Arg2);
                return;
            case MoteFrame.Ignored ignored:
                link.Drop(ignored.Reason, ignored.Type is { } type ? $"frame type 0x{type:x2}" : "empty frame", quiet: true);
                return;
        }
    }

    private void OnIdentity(MoteFrame.IdManager id, IMoteLink link)
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
            if (!id.IsDagRoot && _time.GetElapsedTime(_lastRootRequest) >= TimeSpan.FromSeconds(2)) send = RootRequest();
        }
        if (send is not null) link.Reply(send);
        if (becameRoot)
        {
            link.Print($"{id.Eui64} is DAG root of {_prefix}");
            _addresses.Learn(id.Eui64.WithPrefix(_prefix));
        }
    }

    /// <summary>R, Y (set, idempotent: openvisualizer's toggle can un-root a root, D.5), prefix, key index 1, key.</summary>
    private byte[] RootRequest()
    {
        _lastRootRequest = _time.GetTimestamp();
        _log.Information("Making {Mote} DAG root of {Prefix}", _root?.ToString() ?? "the mote", _prefix);
        return SetRootFrame.Build(_prefix, SetRootFrame.DefaultKeyIndex, _key);
    }

    private void OnData(MoteFrame.Data data, IMoteLink link)
    {
        // Only a DAG root bridges D frames, and their header names it: enough when the firmware prints no status.
        bool becameRoot;
        lock (_lock)
        {
            becameRoot = !_isRoot && _root is null;
            if (becameRoot)
            {
                _root = data.Root;
                _isRoot = _detected = true;
            }
        }
        if (becameRoot)
        {
            link.Print($"{data.Root} is DAG root of {_prefix} (it bridges the mesh's data)");
            _addresses.Learn(data.Root.WithPrefix(_prefix));
        }
        switch (_up.Accept(data))
        {
            case MeshToHostResult.Packet packet:
                // Mote to mote goes back down through us (OPENWSN.md E item 8).
                if (IsMote(packet.Destination))
                {
                    var down = _down.Encode(packet.Ipv6.Span);
                    if (!down.Sent) link.Drop(down.DropReason!, down.Detail);
                    else foreach (var frame in down.Frames) link.Reply(frame);
                    return;
                }
                link.Up(packet.Ipv6.ToArray(), null);
                return;
            case MeshToHostResult.Dao dao:
                _log.Debug("DAO from {Mote}: parents {Parents}", dao.Mote, string.Join(", ", dao.Parents));
                return;
            case MeshToHostResult.Dropped dropped:
                link.Drop(dropped.Reason, dropped.Detail);
                return;
        }
    }

    public FrameVerdict CheckDownlink(ReadOnlySpan<byte> frame)
    {
        var verdict = FrameVerdict.IpPacketCheck(frame);
        if (!verdict.Accepted) return verdict;
        if (frame[0] >> 4 != 6) return FrameVerdict.Drop(OpenWsnDropReasons.NotForMesh, "IPv4 does not enter an OpenWSN mesh", quiet: true);
        var destination = new IPAddress(frame.Slice(24, 16));
        if (destination.IsIPv6Multicast) return FrameVerdict.Drop(OpenWsnDropReasons.NotForMesh, $"multicast {destination}", quiet: true);
        if (IsMote(destination)) return FrameVerdict.Accept;
        // TUN agents share the session /64 with the motes (bbbb::N): hub routing sends us their traffic too.
        return LooksLikeSessionHost(destination)
            ? FrameVerdict.Drop(OpenWsnDropReasons.NotForMesh, $"{IpPacket.Describe(frame)}: not a mote of this mesh", quiet: true)
            : FrameVerdict.Drop(OpenWsnDropReasons.UnknownMote, $"{IpPacket.Describe(frame)}: no DAO from that mote yet");
    }

    public MoteFrames ToMote(ReadOnlySpan<byte> frame)
    {
        var result = _down.Encode(frame);
        return result.Sent ? new MoteFrames(result.Frames) : MoteFrames.Drop(result.DropReason!, result.Detail);
    }

    private bool IsMote(IPAddress address)
    {
        if (!_prefix.Contains(address) && !address.IsIPv6LinkLocal) return false;
        var mote = Eui64.FromInterfaceId(address);
        return _up.Topology.Motes.Contains(mote) && mote != _root;
    }

    /// <summary>Host ids of the addressing plan (bbbb::1 .. bbbb::ffff) are not EUI-64s of motes.</summary>
    private bool LooksLikeSessionHost(IPAddress address) =>
        _prefix.Contains(address) && Eui64.FromInterfaceId(address).Value <= 0xFFFF;
}
