using Agent.Framing;
using System.Globalization;
using System.Net;
using FirmwareSim.Ip;
using FirmwareSim.Lowpan;
using FirmwareSim.Mesh;
using FirmwareSim.Stack;

namespace FirmwareSim.OpenWsn;

/// <summary>
/// An OpenWSN mote on the serial line that the host makes DAG root, with a chain of motes behind it
/// (OPENWSN.md B-D): it prints status frames every 100 ms, takes R (become root with a prefix), S (serial echo),
/// D (data for the mesh) and Q (reset); as root it bridges every packet from its child to the host in a D frame,
/// sends every mote's DAO shortly after being made root and then every DAO period, and passes the host's
/// datagrams down the mesh, whose motes answer ICMPv6 echo and UDP echo. A reboot (--reboot-after, Q) logs
/// "booted" and leaves it no longer root until the next R; the motes behind it keep their parents.
/// </summary>
public sealed class OpenWsnMoteStack : IMoteStack
{
    public static readonly TimeSpan StatusPeriod = TimeSpan.FromMilliseconds(100); // STATUSPRINT_PERIOD

    /// <summary>When, after being made root, the first DAOs go up: the issue asks for all within 1 s.</summary>
    public static readonly TimeSpan FirstDaoDelay = TimeSpan.FromMilliseconds(300);

    /// <summary>SERIAL_INPUT_BUFFER_SIZE: type, body and FCS must stay below it.</summary>
    public const int InputBufferSize = 200;

    public const int MinDataBody = 8;
    public const int MaxDataBody = 126;
    public const int SetRootBody = 26;

    /// <summary>The longest datagram sent whole over the radio: 127 - a 21-byte MAC header - 2 bytes of FCS.</summary>
    public const int MaxRadioPayload = 104;

    public const ushort DefaultDagRank = 0xFFFF; // DEFAULTDAGRANK

    public const string UnknownFrame = "unknown-frame-type";
    public const string Empty = "empty-frame";
    public const string Overflow = "input-buffer-overflow";
    public const string DataLength = "data-length";
    public const string SetRootLength = "set-root-length";
    public const string SetRootAction = "set-root-action";
    public const string NotDagRoot = "not-dag-root";
    public const string TooLong = "too-long-for-radio";
    public const string FragmentDropped = "fragment-dropped";
    public const string ReassemblyTimeout = "reassembly-timeout";
    public const string MeshDrop = "mesh-drop";

    private static readonly byte[] LinkLocalPrefix = [0xFE, 0x80, 0, 0, 0, 0, 0, 0];

    private readonly byte[] _eui;
    private readonly byte[] _moteId;
    private readonly OpenWsnOptions _options;
    private readonly IAsnClock _asn;
    private readonly TimeProvider _time;
    private readonly EventLog _log;
    private readonly long _start;
    private readonly StatusCycle _status = new();
    private readonly Reassembler _reassembler;
    private readonly List<byte[]> _unprompted = [];
    private byte[] _prefix = LinkLocalPrefix;
    private byte[] _key = new byte[16];
    private TimeSpan _nextStatus;
    private TimeSpan? _nextDaos;
    private TimeSpan? _rebootAt;

    /// <param name="eui64">The root's EUI-64 (--mac); its last two bytes are the 16-bit id on every frame.</param>
    /// <param name="mesh">The motes behind it; the root's child is the previous hop of everything bridged.</param>
    public OpenWsnMoteStack(ReadOnlySpan<byte> eui64, MeshNetwork mesh, OpenWsnOptions options, IAsnClock asn, TimeProvider time, EventLog log)
    {
        if (eui64.Length != 8) throw new ArgumentException("An EUI-64 has 8 bytes.", nameof(eui64));
        _eui = eui64.ToArray();
        _moteId = _eui[6..];
        Mesh = mesh;
        _options = options;
        _asn = asn;
        _time = time;
        _log = log;
        _start = time.GetTimestamp();
        _reassembler = new Reassembler(time);
        _rebootAt = options.RebootAfter;
        Boot();
    }

    /// <summary>A freshly booted root with the chain of --motes behind it, fragment tags drawn from <paramref name="random"/>.</summary>
    public static OpenWsnMoteStack Create(ReadOnlySpan<byte> eui64, OpenWsnOptions options, Random random, TimeProvider time, EventLog log) =>
        new(eui64, MeshNetwork.Chain(eui64, options.Motes, random), options, new AsnClock(time), time, log);

    public MoteCounters Counters { get; } = new();

    public MeshNetwork Mesh { get; }

    public bool IsDagRoot { get; private set; }

    /// <summary>What IdManager shows: fe80:: until R, then R's prefix.</summary>
    public ReadOnlySpan<byte> Prefix => _prefix;

    /// <summary>The L2 key R installed (the simulated radio does not encrypt).</summary>
    public ReadOnlySpan<byte> Key => _key;

    /// <summary>DAOs sent since start.</summary>
    public long DaosSent { get; private set; }

    public IReadOnlyList<byte[]> Receive(ReadOnlySpan<byte> frame)
    {
        Counters.Received();
        // FW inputHdlcClose: a frame with nothing but its FCS leaves an empty buffer, reported as a wrong CRC.
        if (frame.IsEmpty) return Refuse(Empty, "", LogFrame.ComponentOpenSerial, LogFrame.WrongCrcInput, 0);
        // FW isr_openserial_rx: the 200th byte of type + body + FCS overflows the input buffer.
        if (frame.Length + 2 >= InputBufferSize)
            return Refuse(Overflow, $" ({frame.Length + 2} bytes with the FCS, at most {InputBufferSize - 1})", LogFrame.ComponentOpenSerial, LogFrame.BufferOverflow, 0);

        var body = frame[1..];
        switch (frame[0])
        {
            case FrameType.Data:
                return Data(body);
            case FrameType.Status:
                // FW openserial_handleEcho: the bytes come back in a D frame with no address fields.
                _log.Event("serial-echo", $"serial echo of {body.Length} bytes answered");
                return [DataFrame.EchoReply(_moteId, _asn.Read(), body)];
            case FrameType.SetRoot:
                return SetRoot(body);
            case FrameType.Reset:
                Reboot("Q (reset) from the host");
                return [];
            default:
                return Ignore(UnknownFrame, $" 0x{frame[0]:x2}");
        }
    }

    public IReadOnlyList<byte[]> Poll()
    {
        var now = _time.GetElapsedTime(_start);
        if (_rebootAt is { } at && now >= at)
        {
            _rebootAt = null;
            Reboot($"--reboot-after {at.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        var frames = new List<byte[]>(_unprompted);
        _unprompted.Clear();

        var expired = _reassembler.Expire();
        for (var i = 0; i < expired; i++) Ignore(ReassemblyTimeout, $" (fragments for the mesh incomplete after {Reassembler.Timeout.TotalSeconds} s)");

        if (_options.Status && now >= _nextStatus)
        {
            frames.Add(_status.Next(View, _asn.Read()));
            _nextStatus += StatusPeriod;
            if (_nextStatus <= now) _nextStatus = now + StatusPeriod; // late: skip, do not burst
        }

        if (IsDagRoot && _nextDaos is { } due && now >= due)
        {
            frames.AddRange(SendDaos());
            _nextDaos = now + _options.DaoPeriod;
        }
        return frames;
    }

    /// <summary>FW task_printWrongCRCInput: every frame the decoder drops was, to the mote, a frame with a bad CRC.</summary>
    public IReadOnlyList<byte[]> Undecodable(FrameError error) =>
        [LogFrame.Build(LogFrame.Error, _moteId, LogFrame.ComponentOpenSerial, LogFrame.WrongCrcInput)];

    /// <summary>Every mote's DAO, A first, as the root receives them from its child.</summary>
    public IReadOnlyList<byte[]> SendDaos()
    {
        var frames = new List<byte[]>();
        foreach (var mote in Mesh.Motes)
        {
            var dao = Mesh.Dao(mote);
            frames.AddRange(Bridge(Mesh.SendUp(mote, dao, _options.FragmentDaos)));
            mote.DaoSent();
            DaosSent++;
        }
        if (Mesh.Motes.Count > 0) _log.Event("dao", $"DAOs sent by {string.Join(", ", Mesh.Motes.Select(m => m.Name))} ({DaosSent} in all)");
        return frames;
    }

    /// <summary>The root reboots: "booted" is logged, it is no longer root and shows fe80::/64 until the next R.</summary>
    public void Reboot(string why)
    {
        var wasRoot = IsDagRoot;
        Boot();
        _log.Line($"rebooted ({why}): 'U' booted logged, {(wasRoot ? "no longer DAG root" : "not DAG root")} until the next R; the motes keep their parents");
    }

    private DagRootView View => new(IsDagRoot, _moteId, _eui, _prefix, IsDagRoot ? MeshNetwork.RootRank : DefaultDagRank);

    private void Boot()
    {
        IsDagRoot = false;
        _prefix = LinkLocalPrefix;
        _nextDaos = null;
        _status.Reset();
        _reassembler.Clear();
        _nextStatus = _time.GetElapsedTime(_start) + StatusPeriod;
        // FW openstack_init: LOG_SUCCESS(COMPONENT_OPENWSN, ERR_BOOTED).
        _unprompted.Add(LogFrame.Build(LogFrame.Success, _moteId, LogFrame.ComponentOpenWsn, LogFrame.Booted));
    }

    // R | action | prefix(8) | keyIndex | key(16) (FW idmanager_triggerAboutRoot, OPENWSN.md C).
    private IReadOnlyList<byte[]> SetRoot(ReadOnlySpan<byte> body)
    {
        if (body.Length != SetRootBody)
            return Refuse(SetRootLength, $" ({body.Length} bytes, not {SetRootBody})", LogFrame.ComponentIdManager, LogFrame.InputLength, body.Length);
        var action = (char)body[0];
        var wasRoot = IsDagRoot;
        var root = action switch
        {
            'Y' => true,
            'N' => false,
            'T' => !IsDagRoot,
            _ => (bool?)null,
        };
        if (root is null) return Ignore(SetRootAction, $" '{action}'");
        var prefix = body[1..9];
        _key = body[10..26].ToArray();
        IsDagRoot = root.Value;
        if (!IsDagRoot)
        {
            _nextDaos = null;
            if (wasRoot) _log.Line($"R {action}: no longer DAG root");
            return [];
        }
        var newPrefix = !prefix.SequenceEqual(_prefix);
        _prefix = prefix.ToArray();
        Mesh.Announce(_prefix);
        if (!wasRoot || newPrefix)
        {
            _nextDaos = _time.GetElapsedTime(_start) + FirstDaoDelay;
            _log.Line($"R {action}: DAG root, prefix {new IPAddress([.. _prefix, 0, 0, 0, 0, 0, 0, 0, 0])}/64; " +
                $"{(Mesh.Motes.Count == 0 ? "no motes behind it" : $"DAOs from {string.Join(", ", Mesh.Motes.Select(m => m.Name))} in {FirstDaoDelay.TotalMilliseconds} ms, then every {_options.DaoPeriod.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s")}");
        }
        return [];
    }

    // D | nextHop(8) | 6LoWPAN (FW openbridge_triggerData, OPENWSN.md C and D.4).
    private IReadOnlyList<byte[]> Data(ReadOnlySpan<byte> body)
    {
        if (body.Length is < MinDataBody or > MaxDataBody)
            return Refuse(DataLength, $" ({body.Length} bytes, {MinDataBody}..{MaxDataBody} allowed)", LogFrame.ComponentOpenBridge, LogFrame.InputLength, body.Length);
        if (!IsDagRoot)
            return Refuse(NotDagRoot, " (data for the mesh dropped: send R first)", LogFrame.ComponentOpenBridge, LogFrame.BridgeMismatch, 0);
        var nextHop = body[..8];
        var lowpan = body[8..];
        if (lowpan.IsEmpty) return Ignore(MeshDrop, " (no datagram after the next hop)");

        if (LowpanDispatch.IsFrag1(lowpan[0]) || LowpanDispatch.IsFragN(lowpan[0]))
        {
            var result = _reassembler.Add(lowpan);
            if (result.Dropped) return Ignore(FragmentDropped, $": {result.Drop}");
            return result.Complete ? Deliver(nextHop, result.Datagram!) : [];
        }
        // Sent whole, it must fit one radio frame; OpenVisualizer fragments above 85 bytes anyway.
        if (lowpan.Length > MaxRadioPayload) return Ignore(TooLong, $" ({lowpan.Length}-byte datagram unfragmented, at most {MaxRadioPayload} fit a radio frame)");
        return Deliver(nextHop, lowpan);
    }

    private IReadOnlyList<byte[]> Deliver(ReadOnlySpan<byte> nextHop, ReadOnlySpan<byte> datagram)
    {
        var delivery = Mesh.Deliver(nextHop, datagram);
        if (!delivery.Delivered) return Ignore(MeshDrop, $": {delivery.Drop}");
        var mote = delivery.Mote!;
        var reply = mote.Host.HandleIpv6(delivery.Packet);
        if (!reply.Answered) return Ignore(reply.Outcome, $" at {mote.Name}");
        if (reply.Outcome == IpOutcome.Udp6Echo) Counters.UdpEchoed();
        else Counters.EchoReplied();
        var frames = Bridge(Mesh.SendUp(mote, reply.Packet!));
        _log.Event("echo", $"{reply.Outcome} answered by {mote.Name}, to {new IPAddress(reply.Packet.AsSpan(24, 16))}" +
            (frames.Count > 1 ? $", in {frames.Count} fragments" : ""));
        return frames;
    }

    // openbridge_receive: each piece from the root's child in its own D frame, stamped with the current ASN.
    private List<byte[]> Bridge(IReadOnlyList<byte[]> pieces)
    {
        var previousHop = Mesh.Motes[0].Eui64.ToArray();
        return [.. pieces.Select(piece => DataFrame.Bridged(_moteId, _asn.Read(), _eui, previousHop, piece))];
    }

    private IReadOnlyList<byte[]> Refuse(string reason, string detail, byte component, byte code, int arg1)
    {
        Ignore(reason, detail);
        return [LogFrame.Build(LogFrame.Error, _moteId, component, code, (ushort)arg1)];
    }

    private IReadOnlyList<byte[]> Ignore(string reason, string detail = "")
    {
        Counters.Ignore(reason);
        _log.Event("ignored", $"frame ignored: {reason}{detail}");
        return [];
    }
}
