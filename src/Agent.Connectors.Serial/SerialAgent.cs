using System.Buffers.Binary;
using System.Net;
using Serilog;
using Agent.Connectors.Serial.Line;
using Agent.Connectors.Serial.OpenWsn;
using Agent.Connectors.Serial.Payloads;
using Agent.Core.Addressing;
using Agent.Core.Bus;
using Agent.Core.Protocol;
using Agent.Core.Relay;

namespace Agent.Connectors.Serial;

/// <summary>
/// A serial agent's life on the bus (PROTOCOL.md 4). With IP payload the mote is a peer of the session on the IP
/// topics, announced with <c>tun.started</c> once its global address is known; with 802.15.4 payload the frames use
/// the <c>802154.serial</c> topics and <c>serial.started</c> is said on every (re)open of the port.
/// </summary>
public sealed class SerialAgent
{
    /// <summary>A serial line is slow: a short queue, so that a backlog is dropped and counted rather than delayed for minutes.</summary>
    private const int DownlinkCapacity = 64;

    private readonly AgentName _name;
    private readonly IMessageBus _bus;
    private readonly SerialOptions _options;
    private readonly TrafficCounters _counters;
    private readonly PacketLog _packetLog;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly SerialLine _line;
    private readonly MoteAddresses _addresses;
    private readonly SerialConnector _connector;
    private readonly PacketRelay _relay;
    private readonly OpenWsnMotePayload? _mesh;
    private CancellationToken _stopping;

    public SerialAgent(AgentName name, IMessageBus bus, SerialOptions options, TrafficCounters counters, PacketLog packetLog, ILogger log, TimeProvider time)
    {
        _name = name;
        _bus = bus;
        _options = options;
        _counters = counters;
        _packetLog = packetLog;
        _log = log;
        _time = time;
        _line = new SerialLine(options.Port, options.Baud, options.Flow, log, time);
        _addresses = new MoteAddresses(options.Host is { } host ? options.SessionPrefix.WithHost(host) : null);
        IMotePayload payload = options.Payload switch
        {
            SerialPayload.Ip => new IpMotePayload(options.SessionPrefix, _addresses, options.DownlinkLimit, options.ForwardAll),
            SerialPayload.OpenWsn => _mesh = new OpenWsnMotePayload(options.SessionPrefix, _addresses, log, time, Random.Shared),
            _ => new Ieee802154MotePayload(options.DownlinkLimit),
        };
        _connector = new SerialConnector(options, _line, payload, counters, packetLog, time);
        _relay = new PacketRelay(bus, _connector, UpKey, _connector.CheckDownlink, counters, packetLog, DownlinkCapacity);
    }

    /// <summary>What the stats say about the mote's addresses: the ones learnt so far, or the port for 802.15.4.</summary>
    public IReadOnlyList<string> Addresses() =>
        _mesh is not null ? _addresses.Known.Concat(_mesh.MoteAddresses).Select(a => a.ToString()).Distinct().ToList()
        : IsIp ? _addresses.Known.Select(a => a.ToString()).ToList()
        : [_options.Port];

    /// <summary>IP and OpenWSN payloads use the IP topics; 802.15.4 its own.</summary>
    private bool IsIp => _options.Payload != SerialPayload.Ieee802154;

    private string UpKey => IsIp ? Topics.IpPacketUp(_name) : Topics.SerialPacketUp(_name);

    private string DownKey => IsIp ? Topics.IpPacketDown(_name) : Topics.SerialPacketDown(_name);

    private string StartKey => IsIp ? Topics.TunStart(_name) : Topics.SerialStart(_name);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _stopping = cancellationToken;
        try
        {
            if (IsIp)
            {
                _addresses.GlobalAddressLearned += address =>
                {
                    _log.Information(_mesh is null ? "The mote's address is {Address}" : "The mesh's root is {Address}", address);
                    _ = AnnounceAsync();
                };
            }
            else
            {
                _line.Opened += () => _ = AnnounceAsync();
            }
            await _bus.SubscribeAsync([StartKey, DownKey], OnMessageAsync, cancellationToken);
            var line = _connector.RunAsync(cancellationToken);
            var relay = _relay.RunAsync(cancellationToken);
            await _bus.TryPublishAsync(Topics.ComponentReady, ComponentMessage.Ready(_name.Value).ToJson(), cancellationToken);
            if (IsIp && _addresses.Global is not null) await AnnounceAsync();
            // The line ends only when cancelled, or with an error waiting cannot mend (no permission).
            await line;
            await relay;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await Farewell.SayAsync(_bus, _name.Value);
            await _connector.DisposeAsync();
            _log.Information("Stopped {Name}: {Counters}", _name, _counters);
            if (_mesh is not null) _log.Information("Mesh of {Name}: {Mesh}", _name, _mesh.MeshSummary);
        }
    }

    private ValueTask OnMessageAsync(string routingKey, ReadOnlyMemory<byte> body, string? correlationId)
    {
        if (routingKey == DownKey)
        {
            _relay.OnDownlink(routingKey, body.Span);
            return ValueTask.CompletedTask;
        }
        if (IsIp && _addresses.Global is null)
        {
            _log.Information("{Key}: the mote's address is not known yet; it is announced as soon as the mote sends a packet", routingKey);
            return ValueTask.CompletedTask;
        }
        _log.Information("{Key}: announcing again", routingKey);
        return new ValueTask(AnnounceAsync());
    }

    private async Task AnnounceAsync()
    {
        try
        {
            if (IsIp)
            {
                var settings = MoteSettings(_addresses.Global!);
                await _bus.TryPublishAsync(Topics.TunStarted(_name), settings.ToStarted(_name).ToJson(), _stopping);
            }
            else
            {
                var started = new SerialStartedMessage(_name.Value, _options.Port, _options.Baud);
                await _bus.TryPublishAsync(Topics.SerialStarted(_name), started.ToJson(), _stopping);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>What a TUN agent would announce for the mote's address: its /64 and interface identifier.</summary>
    private static TunSettings MoteSettings(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return new TunSettings(new Ipv6Prefix(BinaryPrimitives.ReadUInt64BigEndian(bytes)),
            new Ipv6HostId(BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(8))), Ipv4: null);
    }
}
