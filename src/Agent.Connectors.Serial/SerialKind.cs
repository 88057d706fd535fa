using System.Buffers.Binary;
using System.Net;
using Serilog;
using Agent.Connectors.Serial.Line;
using Agent.Connectors.Serial.Payloads;
using Agent.Core.Addressing;
using Agent.Core.Agents;
using Agent.Core.Connectors;
using Agent.Core.Drops;
using Agent.Core.Protocol;
using Agent.Core.Stats;

namespace Agent.Connectors.Serial;

/// <summary>
/// A mote on a serial line (PROTOCOL.md 4). With IP payload (and OpenWSN) the mote is a peer of the session on the IP
/// topics, announced with <c>tun.started</c> once its global address (the mesh root's) is known; with 802.15.4 payload
/// the frames use the <c>802154.serial</c> topics and <c>serial.started</c> is said on every (re)open of the line.
/// </summary>
public sealed class SerialKind : IAgentKind
{
    private readonly AgentName _name;
    private readonly SerialOptions _options;
    private readonly MoteAddresses _addresses;
    private readonly OpenWsnMotePayload? _mesh;
    private readonly SerialConnector _connector;

    public SerialKind(AgentName name, SerialOptions options, ISerialLine line, ILogger log, TimeProvider time, Random random)
    {
        _name = name;
        _options = options;
        _addresses = new MoteAddresses(options.Host is { } host ? options.SessionPrefix.WithHost(host) : null);
        Topics = IsIp ? AgentTopics.Ip(name) : AgentTopics.Ieee802154(name);
        IMotePayload payload = options.Payload switch
        {
            SerialPayload.Ip => new IpMotePayload(options.SessionPrefix, _addresses, options.DownlinkLimit, options.ForwardAll, log),
            SerialPayload.OpenWsn => _mesh = new OpenWsnMotePayload(options.SessionPrefix, _addresses, log, time, random),
            _ => new Ieee802154MotePayload(options.DownlinkLimit),
        };
        _connector = new SerialConnector(options, line, payload, time);
    }

    public string Name => "serial";

    public AgentTopics Topics { get; }

    /// <summary>A serial line is slow: a short queue, so that a backlog is dropped and counted rather than delayed for minutes.</summary>
    public int DownlinkCapacity => 64;

    public string Waiting =>
        !IsIp ? $"{_options.Port} has not opened yet: serial.started goes out as soon as it does"
        : _mesh is not null ? "The mesh's root is not known yet: it is announced as soon as the mote is DAG root"
        : "The mote's address is not known yet: it is announced as soon as the mote sends a packet";

    /// <summary>IP and OpenWSN payloads use the IP topics; 802.15.4 its own.</summary>
    private bool IsIp => _options.Payload != SerialPayload.Ieee802154;

    /// <summary>The line is the connector's to open and reopen: it runs from the start.</summary>
    public Task<IConnector?> OpenAtStartAsync(CancellationToken cancellationToken) => Task.FromResult<IConnector?>(_connector);

    public byte[]? Announcement()
    {
        if (!IsIp) return _connector.Opens > 0 ? new SerialStartedMessage(_name.Value, _options.Port, _options.Baud).ToJson() : null;
        return _addresses.Global is { } address ? MoteSettings(address).ToStarted(_name).ToJson() : null;
    }

    /// <summary>The mote's addresses learnt so far (and its mesh's), or the port for 802.15.4.</summary>
    public IReadOnlyList<string> Addresses() =>
        _mesh is not null ? _addresses.Known.Concat(_mesh.MoteAddresses).Select(a => a.ToString()).Distinct().ToList()
        : IsIp ? _addresses.Known.Select(a => a.ToString()).ToList()
        : [_options.Port];

    /// <summary>
    /// For --direct: until the mote's address is known only groups go down an IP line (a busy session would flood an
    /// 11 kB/s line); then the payload's own downlink check decides. 802.15.4 is a broadcast medium: all of it.
    /// </summary>
    public Drop? ForThisAgent(ReadOnlySpan<byte> frame) =>
        _options.Payload != SerialPayload.Ip || _addresses.Global is not null || frame.Length < 40 || frame[0] >> 4 != 6 || frame[24] == 0xFF
            ? null
            : new Drop(DropReason.NotForThisAgent, "the mote's address is not known yet", Quiet: true);

    public string? Summary() => _mesh is null ? null : $"Mesh of {_name}: {_mesh.MeshSummary}";

    public MeshReport? Mesh() => _mesh?.Report(_name.Value);

    /// <summary>What a TUN agent would announce for the mote's address: its /64 and interface identifier.</summary>
    private static TunSettings MoteSettings(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return new TunSettings(new Ipv6Prefix(BinaryPrimitives.ReadUInt64BigEndian(bytes)),
            new Ipv6HostId(BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(8))), Ipv4: null);
    }
}
