using System.Buffers;
using System.Collections.Concurrent;
using Serilog;
using Agent.Core.Addressing;
using Agent.Core.Bus;
using Agent.Core.Drops;
using Agent.Core.Packets;
using Agent.Core.Protocol;
using Agent.Core.Relay;
using Agent.Core.Stats;

namespace Agent.Core.Routing;

/// <summary>
/// The backend packet router (PROTOCOL.md 6). Agents are learnt from what they publish (announcements, stats,
/// packets) and from the coordinator's <c>tun.start</c> messages; on start and after every reconnect the router asks
/// every agent to identify itself, so start order does not matter. In <see cref="RoutingMode.Hub"/> mode every packet
/// goes to every other agent, exactly as the ioppytest router does; in <see cref="RoutingMode.Address"/> mode a unicast
/// packet goes only to the agent that owns its destination (announced, or agent_N for a plan address). agent_TT, the
/// testing tool's observer, gets a copy of every packet in both modes. Packets come from a queue shared by all replicas
/// (acked on receipt, so at most once); announcements come to each replica's own queue, so all hold the same table.
/// </summary>
public sealed class PacketRouter
{
    public const string ComponentName = "packetrouting";

    /// <summary>The testing tool's own agent: a destination of every fanned-out packet (hub semantics).</summary>
    public const string TestingToolAgent = "agent_TT";

    private readonly IMessageBus _bus;
    private readonly RouterOptions _options;
    private readonly ILogger _log;
    private readonly PacketLog _packetLog;
    private readonly TimeProvider _time;
    private readonly AgentTable _agents;
    private readonly AddressTable _addresses = new();
    private readonly LinkTable _links;
    private readonly ArrayBufferWriter<byte> _body = new(8192);
    private readonly RouteCache _routes = new();
    private readonly Func<string, string?, string, RouteCache.Route> _computeRoute;
    private long _toDrop;

    public PacketRouter(IMessageBus bus, RouterOptions options, ILogger log, PacketLog packetLog, TimeProvider time)
    {
        _bus = bus;
        _options = options;
        _log = log;
        _packetLog = packetLog;
        _time = time;
        _links = new LinkTable(options.Links ?? []);
        _agents = new AgentTable(options.Seeds.Select(s => s.Value).Concat(_links.Members), options, log, time);
        _computeRoute = ComputeRoute;
    }

    public RouterCounters Counters { get; } = new();

    /// <summary>This replica's <c>router.stats</c>: the agents it knows and what it moved for each.</summary>
    public RouterStats Stats(string replica, TimeSpan uptime) => new(
        ComponentName, replica, Math.Round(uptime.TotalSeconds, 1), Agents,
        Counters.Sources.ToDictionary(a => a, a => new RoutedTraffic(Counters.Received(a), Counters.ForwardedFrom(a), Counters.Dropped(a))));

    /// <summary>The agents known so far.</summary>
    public IReadOnlyList<string> Agents => _agents.Names;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _bus.SubscribeAsync(
                [Topics.AllTunStarted, Topics.AllSerialStarted, StatsKeys.AllAgents, Topics.AllTunStart, Topics.LossyLinkStart],
                OnControlAsync, cancellationToken);
            await _bus.SubscribeAsync(
                [Topics.AllIpPacketsUp, Topics.AllSerialPacketsUp],
                OnPacketAsync, cancellationToken, new SubscribeOptions(_options.SharedQueue, RouterOptions.Prefetch, Replicated: _options.ReplicatedQueue)
                {
                    Redelivered = OnRedeliveredAsync,
                });
            _log.Information("Routing ({Mode} mode, {QueueType} queue {Queue}) between {Agents}", _options.Mode.ToString().ToLowerInvariant(),
                _options.ReplicatedQueue ? "quorum" : "classic", _options.SharedQueue, _agents.IsEmpty ? "the agents it will learn" : string.Join(", ", Agents));
            await _bus.TryPublishAsync(Topics.ComponentReady, ComponentMessage.Ready(ComponentName).ToJson(), cancellationToken);
            _bus.Reconnected += AskAgentsToIdentify;
            AskAgentsToIdentify();
            await ForgetSilentAgentsAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _bus.Reconnected -= AskAgentsToIdentify;
            await Farewell.SayAsync(_bus, ComponentName);
            _log.Information("Stopped {Component}", ComponentName);
            foreach (var line in Counters.Lines()) _log.Information("Counters {Line}", line);
        }
    }

    private ValueTask OnControlAsync(string routingKey, ReadOnlyMemory<byte> body, string? correlationId)
    {
        if (routingKey == Topics.LossyLinkStart)
        {
            if (LossyLinkStart.TryParse(body.Span) is { } lossy)
            {
                Interlocked.Exchange(ref _toDrop, lossy.NumberOfPacketsToDrop);
                _log.Information("Lossy link: dropping the next {Count} packets", lossy.NumberOfPacketsToDrop);
            }
            else _log.Warning("Ignored {Key}: no number_of_packets_to_drop", routingKey);
            return ValueTask.CompletedTask;
        }
        if (Topics.TryParseToAgent(routingKey, out var to, out _))
        {
            LearnFromTunStart(to, body.Span);
            return ValueTask.CompletedTask;
        }
        if (!Topics.TryParseFromAgent(routingKey, out var from, out var rest)) return ValueTask.CompletedTask;
        // Only a message that reads as what its key says teaches the router an agent: junk on fromAgent.* does not.
        var announcement = rest is Topics.TunStartedSuffix or Topics.SerialStartedSuffix ? Wire.TryParseObject(body.Span) : null;
        var started = rest == Topics.TunStartedSuffix && announcement is not null ? TunConfigMessage.From(announcement) : null;
        var wellFormed = rest switch
        {
            Topics.TunStartedSuffix => started is not null,
            Topics.SerialStartedSuffix => SerialStartedMessage.TryParse(body.Span) is not null,
            _ => AgentStats.TryParse(body.Span) is { } stats && stats.Name == from,
        };
        if (!wellFormed || !_agents.Heard(from)) return ValueTask.CompletedTask;
        if (announcement is not null) _agents.SetDirect(from, Wire.Bool(announcement, "direct") == true);
        if (started is not null && _addresses.Learn(from, started) is { Count: > 0 } addresses)
            _log.Information("{Agent} owns {Addresses}", from, string.Join(", ", addresses));
        return ValueTask.CompletedTask;
    }

    private async ValueTask OnPacketAsync(string routingKey, ReadOnlyMemory<byte> body, string? correlationId)
    {
        if (!_routes.TryParseFromAgent(routingKey, out var from, out var rest)) return;
        if (!PacketMessage.TryRead(body.Span, out var message, out var error))
        {
            _packetLog.Dropped(routingKey, new Drop(DropReason.MalformedJson, error));
            if (_agents.IsKnown(from))
            {
                Counters.CountReceived(from);
                Counters.CountDropped(from, DropReason.MalformedJson);
            }
            else Counters.CountUnattributed(DropReason.MalformedJson);
            return;
        }
        _agents.Heard(from);
        Counters.CountReceived(from);
        if (Interlocked.Read(ref _toDrop) > 0 && Interlocked.Decrement(ref _toDrop) >= 0)
        {
            Drop(from, routingKey, new Drop(DropReason.Lossy, Topics.LossyLinkStart));
            return;
        }

        // Only data, interface_name and a fresh integer timestamp travel on, as the ioppytest router does.
        _body.ResetWrittenCount();
        PacketMessage.Write(_body, message!.Data, message.InterfaceName ?? "", _time.GetUtcNow(), integerTimestamp: true);
        var route = RouteOf(from, rest, message.Data);
        if (route.NoRoute)
            Drop(from, routingKey, new Drop(DropReason.NoRoute, $"{IpPacket.Describe(message.Data)}: the owner is not on a link of {from}", Quiet: true));
        if (route.Agents.Length == 0) return;
        var forwarded = 0;
        for (var i = 0; i < route.Agents.Length; i++)
        {
            if (await _bus.TryPublishAsync(route.Keys[i], _body.WrittenMemory))
            {
                Counters.CountForwarded(from, route.Agents[i]);
                forwarded++;
            }
            else
            {
                Counters.CountDropped(from, DropReason.BusUnavailable);
            }
        }
        _packetLog.Routed(from, forwarded, Counters.Received(from), message.Data);
    }

    /// <summary>Delivered to another replica first, which may have forwarded it: dropped, never sent twice.</summary>
    private ValueTask OnRedeliveredAsync(string routingKey, ReadOnlyMemory<byte> body, string? correlationId)
    {
        if (!_routes.TryParseFromAgent(routingKey, out var from, out _)) return ValueTask.CompletedTask;
        var drop = new Drop(DropReason.Redelivered, "delivered before to a replica that went before its ack arrived");
        _packetLog.Dropped(routingKey, drop);
        if (_agents.IsKnown(from))
        {
            Counters.CountReceived(from);
            Counters.CountDropped(from, drop.Reason);
        }
        else Counters.CountUnattributed(drop.Reason);
        return ValueTask.CompletedTask;
    }

    private void Drop(string from, string routingKey, Drop drop)
    {
        Counters.CountDropped(from, drop.Reason);
        _packetLog.Dropped(routingKey, drop);
    }


    /// <summary>The coordinator tells an agent its addresses: the router takes note of both (PROTOCOL.md 6).</summary>
    private void LearnFromTunStart(string agent, ReadOnlySpan<byte> body)
    {
        if (!AgentName.TryParse(agent, out var name, out _) || TunConfigMessage.TryParse(body) is not { } start) return;
        if (!_agents.Heard(agent)) return;
        if (AddressPlan.TryFromTunStart(name.Value, new AddressOptions(), start, out var settings, out _)
            && _addresses.Learn(agent, settings!.ToStarted(name.Value)) is { Count: > 0 } addresses)
            _log.Information("{Agent} owns {Addresses} (from its tun.start)", agent, string.Join(", ", addresses));
    }

    private async Task ForgetSilentAgentsAsync(CancellationToken cancellationToken)
    {
        var forgetAfter = _options.ForgetAfter ?? RouterOptions.DefaultForgetAfter;
        var sweep = TimeSpan.FromTicks(Math.Clamp(forgetAfter.Ticks / 4, TimeSpan.TicksPerSecond, 30 * TimeSpan.TicksPerSecond));
        using var timer = new PeriodicTimer(sweep, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
            foreach (var agent in _agents.ForgetSilent()) _addresses.Forget(agent);
    }

    private void AskAgentsToIdentify() =>
        _ = _bus.TryPublishAsync(Topics.IdentifyRequest, StatsKeys.RequestBody(ComponentName)).AsTask();

    /// <summary>
    /// Where a packet goes: to the owner of its unicast IP destination, where one is known (or follows the plan) and
    /// reachable; else to every reachable agent. agent_TT gets a copy either way, unless told otherwise.
    /// </summary>
    private RouteCache.Route RouteOf(string from, string rest, byte[] data)
    {
        string? owner = null;
        if (rest == Topics.IpPacketSuffix && HostAddress.TryReadDestination(data, out var destination))
            owner = _addresses.Owner(destination) ?? _routes.PlanOwner(destination);
        return _routes.Get(from, owner, rest, _agents.Version, _computeRoute);
    }

    private RouteCache.Route ComputeRoute(string from, string? owner, string rest)
    {
        var version = _agents.Version;
        var noRoute = false;
        List<string> peers = [];
        if (_options.Mode == RoutingMode.Address && owner is not null)
        {
            noRoute = owner == from || !_links.Connects(from, owner);
            // A router-less owner takes the packet from the sender's key itself: sending it too would deliver it twice.
            if (!noRoute && !_agents.IsDirect(owner)) peers.Add(owner);
        }
        else
        {
            // Every agent known (but the router-less ones), and a plan address's agent that has not spoken yet.
            peers.AddRange(_agents.Known.Where(a => a != from && _links.Connects(from, a) && !_agents.IsDirect(a)).Order(StringComparer.Ordinal));
            if (owner is not null && owner != from && _links.Connects(from, owner) && !_agents.IsDirect(owner)) peers.Add(owner);
        }
        if (_options.CopyToTestingTool) peers.Add(TestingToolAgent);
        string[] agents = [.. peers.Distinct(StringComparer.Ordinal).Where(a => a != from)];
        return new RouteCache.Route(agents, [.. agents.Select(a => Topics.ToAgent(a, rest))], noRoute, version);
    }
}
