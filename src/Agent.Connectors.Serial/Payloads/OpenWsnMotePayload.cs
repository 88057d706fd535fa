using System.Net;
using Serilog;
using Serilog.Events;
using Agent.Connectors.Serial.OpenWsn;
using Agent.Core.Addressing;
using Agent.Core.Drops;
using Agent.Core.Stats;

namespace Agent.Connectors.Serial.Payloads;

/// <summary>
/// The host side of an OpenWSN DAG root (OPENWSN.md E), one job per part: <see cref="DagRootKeeper"/> finds the mote and
/// keeps it root; <see cref="MeshToHost"/> turns the mesh's bridged 6LoWPAN datagrams into IPv6 packets (DAOs build the
/// topology and stop there); <see cref="MeshDownlinkFilter"/> lets in the session packets for its motes, which
/// <see cref="HostToMesh"/> sends down their source routes. The root's address is learnt here, for the announcement.
/// </summary>
public sealed class OpenWsnMotePayload : IMotePayload
{
    /// <summary>openvisualizer leaves 10 ms between the fragments of a datagram (OPENWSN.md D.4.4).</summary>
    private static readonly TimeSpan FragmentSpacing = TimeSpan.FromMilliseconds(10);

    private readonly Ipv6Prefix _prefix;
    private readonly MoteAddresses _addresses;
    private readonly ILogger _log;
    private readonly DagRootKeeper _root;
    private readonly MeshToHost _up;
    private readonly HostToMesh _down;
    private readonly MeshDownlinkFilter _filter;

    public OpenWsnMotePayload(Ipv6Prefix prefix, MoteAddresses addresses, ILogger log, TimeProvider time, Random random)
    {
        _prefix = prefix;
        _addresses = addresses;
        _log = log;
        _root = new DagRootKeeper(prefix, log, time, random);
        _up = new MeshToHost(prefix, time);
        _down = new HostToMesh(prefix, _up.Topology.Route);
        _filter = new MeshDownlinkFilter(prefix, _up.Topology, () => _root.Root);
    }

    public TimeSpan FrameSpacing => FragmentSpacing;

    /// <summary>The mesh as seen so far: motes known, routes, reassembly, what went down, for the logs and stats.</summary>
    public string MeshSummary =>
        $"{_up.Topology.Motes.Count} motes, {_up.Topology.Count} routes, {_up.Fragments} fragments, {_up.Reassembled} reassembled, "
        + $"{_up.Expired} reassembly expiries, {_up.Daos} DAOs; down {_down.Counters}";

    /// <summary>The mesh for <c>fromAgent.&lt;name&gt;.mesh</c>: motes, parents, hops, DAO ages and counters.</summary>
    public MeshReport Report(string name) => MeshReporting.Report(name, _prefix, _root.Root, _up, _down.Counters);

    /// <summary>The global addresses of the motes the topology knows.</summary>
    public IEnumerable<IPAddress> MoteAddresses => _up.Topology.Motes.Select(m => m.WithPrefix(_prefix));

    public void OnOpened(IMoteLink link) => _root.OnOpened();

    public void OnTick(IMoteLink link)
    {
        _up.ExpireStale();
        TakeLosses(link);
        _root.OnTick(link);
    }

    public void FromMote(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> wire, IMoteLink link)
    {
        if (_root.TryTakeProbeReply(frame, link)) return;
        switch (MoteFrameParser.Parse(frame))
        {
            case MoteFrame.IdManager id:
                if (_root.OnIdentity(id, link)) LearnRoot(id.Eui64, link);
                return;
            case MoteFrame.Status:
                _root.OnStatus();
                return;
            case MoteFrame.Data data:
                if (_root.OnBridged(data.Root, link)) LearnRoot(data.Root, link);
                OnData(data, link);
                return;
            case MoteFrame.Log entry:
                Log(entry);
                return;
            case MoteFrame.Ignored ignored:
                link.Drop(new Drop(ignored.Reason, ignored.Type is { } type ? $"frame type 0x{type:x2}" : "empty frame", Quiet: true));
                return;
        }
    }

    public Drop? CheckDownlink(ReadOnlySpan<byte> frame) => _filter.Check(frame);

    public MoteFrames ToMote(ReadOnlySpan<byte> frame)
    {
        var result = _down.Encode(frame);
        return result.Sent ? new MoteFrames(result.Frames) : MoteFrames.Refuse(result.Refusal.Value);
    }

    private void OnData(MoteFrame.Data data, IMoteLink link)
    {
        var result = _up.Accept(data);
        TakeLosses(link);
        switch (result)
        {
            case MeshToHostResult.Packet packet:
                // Mote to mote goes back down through us (OPENWSN.md E item 8), by the one write path.
                if (_filter.IsMote(packet.Destination)) link.Loop(packet.Ipv6.ToArray());
                else link.Up(packet.Ipv6.ToArray(), null);
                return;
            case MeshToHostResult.Dao dao:
                _log.Debug("DAO from {Mote}: parents {Parents}", dao.Mote, string.Join(", ", dao.Parents));
                return;
            case MeshToHostResult.Dropped dropped:
                link.Drop(dropped.Drop);
                return;
        }
    }

    private void LearnRoot(Eui64 root, IMoteLink link)
    {
        var address = root.WithPrefix(_prefix);
        if (!_addresses.Learn(address)) return;
        _log.Information("The mesh's root is {Address}", address);
        link.Changed();
    }

    private void TakeLosses(IMoteLink link)
    {
        foreach (var loss in _up.TakeLosses()) link.Drop(loss);
    }

    private void Log(MoteFrame.Log entry)
    {
        var level = entry.Severity switch
        {
            OpenWsnLogSeverity.Critical or OpenWsnLogSeverity.Error => LogEventLevel.Warning,
            OpenWsnLogSeverity.Verbose => LogEventLevel.Debug,
            _ => LogEventLevel.Information,
        };
        _log.Write(level, "Mote {Mote:x4} {Severity}: component 0x{Component:x2} code 0x{Code:x2} args {Arg1} {Arg2}",
            entry.MoteId, entry.Severity, entry.Component, entry.Code, entry.Arg1, entry.Arg2);
    }
}
