using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Serilog;
using Agent.Core.Addressing;
using Agent.Core.Agents;
using Agent.Core.Connectors;
using Agent.Core.Drops;
using Agent.Core.Protocol;

namespace Agent.Connectors.Tun;

/// <summary>
/// An IP agent on a TUN interface (PROTOCOL.md 3, 5): the interface is created at start for agent_N or all three
/// address options, else on the first <c>tun.start</c>; it announces <c>tun.started</c> with the interface's settings.
/// </summary>
public sealed class TunKind(AgentName name, AddressOptions options, OpenInterface open, ILogger log) : IAgentKind
{
    private readonly Lock _lock = new();
    private readonly HashSet<Ipv6Prefix> _peerNetworks = [];
    private TunSettings? _settings;
    private byte[][] _addressBytes = [];
    private ITunInterface? _interface;

    public string Name => "tun";

    public AgentTopics Topics { get; } = AgentTopics.Ip(name);

    public int DownlinkCapacity => 1024;

    public string Waiting => $"Waiting for {Topics.Start}, or pass --ipv6-prefix/--ipv6-host/--ipv4-address";

    public async Task<IConnector?> OpenAtStartAsync(CancellationToken cancellationToken) =>
        AddressPlan.AtStart(name, options) is { } settings ? await OpenAsync(settings, cancellationToken) : null;

    public async Task<OpenResult> OpenOnStartAsync(JsonObject start, CancellationToken cancellationToken)
    {
        if (!AddressPlan.TryFromTunStart(name, options, TunConfigMessage.From(start), out var settings, out var error))
            return OpenResult.Refused(new Drop(DropReason.BadControl, error!));
        try
        {
            return OpenResult.Opened(await OpenAsync(settings!, cancellationToken));
        }
        catch (InterfaceConfigurationException e)
        {
            // The message asked for what ip refused (an interface to re-route to that is not there ...): the half-made
            // interface is gone again, and the agent keeps waiting for a start message it can use.
            return OpenResult.Refused(new Drop(DropReason.BadControl, e.Message));
        }
    }

    public byte[]? Announcement() => _settings?.ToStarted(name).ToJson();

    public IReadOnlyList<string> Addresses() => _settings?.Addresses.Select(a => a.ToString()).ToList() ?? [];

    /// <summary>For --direct: a packet whose destination is one of the interface's addresses, its re-routed network, or a group.</summary>
    public Drop? ForThisAgent(ReadOnlySpan<byte> frame)
    {
        if (_settings is not { } settings || frame.Length < 20) return null; // the connector's own check says what is wrong
        var v6 = frame[0] >> 4 == 6;
        if (v6 && frame.Length < 40) return null;
        var destination = v6 ? frame.Slice(24, 16) : frame.Slice(16, 4);
        if (v6 ? destination[0] == 0xFF : destination[0] >= 224 || destination[3] == 255) return null; // multicast, broadcast
        foreach (var address in _addressBytes)
            if (destination.SequenceEqual(address)) return null;
        if (v6 && settings.ReRoute is { } reRoute && BinaryPrimitives.ReadUInt64BigEndian(destination) == reRoute.Prefix.Value) return null;
        return new Drop(DropReason.NotForThisAgent, "another agent's packet for someone else", Quiet: true);
    }

    /// <summary>The others' announcements: a network behind another agent's host is routed into this tunnel.</summary>
    public IReadOnlyList<string> PeerKeys { get; } = [Agent.Core.Protocol.Topics.AllTunStarted];

    public async Task OnPeerAsync(string routingKey, JsonObject body, CancellationToken cancellationToken)
    {
        if (!Agent.Core.Protocol.Topics.TryParseFromAgent(routingKey, out var peer, out _) || peer == name.Value) return;
        var started = TunConfigMessage.From(body);
        if (started.Ipv6NoForwarding == true || started.ReRoutePacketsPrefix is not { } text
            || !Ipv6Prefix.TryParse(text, out var network, out _))
            return;
        ITunInterface? tun;
        lock (_lock)
        {
            if (!_peerNetworks.Add(network)) return;
            tun = _interface;
        }
        if (tun is not null) await RouteAsync(tun, network, peer, cancellationToken);
    }

    private async Task<IConnector> OpenAsync(TunSettings settings, CancellationToken cancellationToken)
    {
        var tun = await open(settings, cancellationToken);
        _addressBytes = [.. settings.Addresses.Select(a => a.Address.GetAddressBytes())];
        _settings = settings;
        Ipv6Prefix[] known;
        lock (_lock)
        {
            _interface = tun;
            known = [.. _peerNetworks];
        }
        foreach (var network in known) await RouteAsync(tun, network, "an agent", cancellationToken);
        return tun;
    }

    public void Relaying()
    {
        if (_interface is { } tun) log.Information("Interface {Interface} is up: {Settings}", tun.InterfaceName, _settings);
    }

    private async Task RouteAsync(ITunInterface tun, Ipv6Prefix network, string peer, CancellationToken cancellationToken)
    {
        if (_settings?.ReRoute?.Prefix == network) return; // our own network behind us
        await tun.RouteIntoTunnelAsync(network, cancellationToken);
        log.Information("Routing {Network} into {Interface}: {Peer} announced it behind its host", network, tun.InterfaceName, peer);
    }
}
