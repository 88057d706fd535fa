using System.Text.Json.Nodes;
using Serilog;
using Agent.Core.Bus;
using Agent.Core.Connectors;
using Agent.Core.Drops;
using Agent.Core.Protocol;
using Agent.Core.Relay;
using Agent.Core.Stats;

namespace Agent.Core.Agents;

/// <summary>
/// The bus side of every agent (PROTOCOL.md 3, 4): subscribe to its keys, open its device (now, or on the first start
/// message), announce it and say <c>component.ready</c>, relay frames, announce again on request or when the device
/// changes, publish stats, and on stop say <c>component.shutdown</c> and close the device. What differs between a TUN
/// and a serial agent is its <see cref="IAgentKind"/>.
/// </summary>
public sealed class SessionAgent
{
    private readonly AgentName _name;
    private readonly IAgentKind _kind;
    private readonly IMessageBus _bus;
    private readonly AgentOptions _options;
    private readonly TrafficCounters _counters;
    private readonly PacketLog _packetLog;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _startLock = new(1, 1); // one device, opened once, whoever asks first
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _instance;
    private readonly DirectPeers? _peers; // router-less: the agents whose uplink it binds
    private CancellationToken _stopping;
    private long _nameClashes;
    private IConnector? _connector;
    private PacketRelay? _relay;
    private Task? _relayTask;

    public SessionAgent(AgentName name, IAgentKind kind, IMessageBus bus, AgentOptions options, TrafficCounters counters,
        PacketLog packetLog, ILogger log, TimeProvider time)
    {
        _name = name;
        _kind = kind;
        _bus = bus;
        _options = options;
        _counters = counters;
        _packetLog = packetLog;
        _log = log;
        _time = time;
        _instance = options.Instance ?? AgentOptions.NewInstance();
        if (options.Direct) _peers = new DirectPeers(name, kind.Topics, bus, log);
    }

    /// <summary>
    /// Runs until cancelled (a clean stop), or until the device cannot be opened or fails beyond repair, or no start
    /// message came within the start timeout (an exception). Either way it says goodbye and closes the device.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Ours, so that a stop for any reason ends the relay, the stats and a start in progress.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _stopping = stop.Token;
        Task? stats = null, peers = null;
        try
        {
            var queue = await SubscribeAsync();
            if (_peers is not null) peers = _peers.RunAsync(queue, _stopping);
            await StartAsync(async ct => await _kind.OpenAtStartAsync(ct) is { } c ? OpenResult.Opened(c) : default, _kind.Topics.Start);
            if (_connector is null) _log.Information("{Waiting}", _kind.Waiting);
            await _bus.TryPublishAsync(Topics.ComponentReady, ComponentMessage.Ready(_name.Value).ToJson(), _stopping);
            if (_kind.PeerKeys.Count > 0)
                await _bus.TryPublishAsync(Topics.IdentifyRequest, StatsKeys.RequestBody(_name.Value), _stopping);
            stats = new StatsPublisher(_name, _kind.Name, _kind.Addresses, _counters, _bus, _options.StatsInterval, _log, _time,
                _instance, () => Interlocked.Read(ref _nameClashes), _kind.Mesh).RunAsync(_stopping);

            if (_options.StartTimeout is { } timeout)
            {
                await Task.WhenAny(_started.Task, _failed.Task, Task.Delay(timeout, _time, _stopping));
                if (!_started.Task.IsCompleted && !_failed.Task.IsCompleted && !_stopping.IsCancellationRequested)
                    throw new AgentStartException($"no {_kind.Topics.Start} within {timeout.TotalSeconds:0} s (--start-timeout)");
            }
            await Task.WhenAny(Task.Delay(Timeout.Infinite, _stopping), _failed.Task);
            if (_failed.Task.IsFaulted) await _failed.Task;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await stop.CancelAsync();
            if (stats is not null) await stats.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (peers is not null) await peers.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await StopAsync();
        }
    }

    /// <summary>
    /// One queue for the agent's own keys, named after it and exclusive, so that the broker refuses a second agent of the
    /// same name in the session at once (unless told to share the name). A router-less agent binds its peers' uplink
    /// keys to it as it learns them.
    /// </summary>
    private async Task<IBusSubscription> SubscribeAsync()
    {
        string[] keys = [_kind.Topics.Start, _kind.Topics.Down, Topics.IdentifyRequest, StatsKeys.Agent(_name), .. _kind.PeerKeys,
            .. _peers?.LearningKeys ?? []];
        try
        {
            return await _bus.SubscribeAsync(keys, OnMessageAsync, _stopping, _options.ShareName ? null : new SubscribeOptions(OwnQueue: $"agent.{_name}"));
        }
        catch (QueueInUseException e)
        {
            throw new AgentStartException(
                $"the name {_name} is in use in this session: another agent holds its queue agent.{_name}; pick another --name, stop the other agent, or pass --force", e);
        }
    }

    private async ValueTask OnMessageAsync(string routingKey, ReadOnlyMemory<byte> body, string? correlationId)
    {
        if (routingKey == StatsKeys.Agent(_name))
        {
            if (AgentStats.TryParse(body.Span) is { Instance: { } other } && other != _instance)
            {
                Interlocked.Increment(ref _nameClashes);
                _log.Error("Another agent named {Name} ({Other}) publishes in this session: both get the same packets and answer them", _name, other);
            }
            return;
        }
        if (routingKey == _kind.Topics.Down)
        {
            if (_relay is { } relay) relay.OnDownlink(routingKey, body.Span);
            else Drop(routingKey, new Drop(DropReason.NotStarted, "the device is not open yet"));
            return;
        }
        if (_options.Direct && _kind.Topics.IsUplink(routingKey))
        {
            // Its own uplink is never bound (DirectPeers skips its name): a guard against writing its packets back.
            if (routingKey == _kind.Topics.Up) return;
            if (_relay is { } relay) relay.OnPeerPacket(routingKey, body.Span);
            else Drop(routingKey, new Drop(DropReason.NotStarted, "the device is not open yet", Quiet: true));
            return;
        }
        if (_peers is { } peers && peers.Learn(routingKey, body.Span)) return;
        if (routingKey == Topics.IdentifyRequest)
        {
            // A router asks who is there (its stats publisher answers with the stats): announce what is known, quietly.
            await AnnounceAsync();
            return;
        }
        if (Wire.TryParseObject(body.Span) is not { } start)
        {
            Drop(routingKey, new Drop(DropReason.BadControl, "not one JSON object (broken, a field twice, or bytes after it)"));
            return;
        }
        if (routingKey != _kind.Topics.Start)
        {
            await OnPeerAsync(routingKey, start);
            return;
        }
        try
        {
            if (_connector is null && await StartAsync(ct => _kind.OpenOnStartAsync(start, ct), routingKey)) return;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _failed.TrySetException(e);
            return;
        }
        // The device was open already: a repeated start asks the agent to announce itself again (PROTOCOL.md 3.1).
        if (_kind.Announcement() is null)
        {
            _log.Information("{Key}: nothing to announce yet. {Waiting}", routingKey, _kind.Waiting);
            return;
        }
        _log.Information("{Key}: announcing it again", routingKey);
        await AnnounceAsync();
    }

    /// <summary>
    /// Opens the device, unless one is open already: announces what is known, then runs it (whatever it learns later
    /// comes as a change). True when this call opened it.
    /// </summary>
    private async Task<bool> StartAsync(Func<CancellationToken, Task<OpenResult>> open, string source)
    {
        await _startLock.WaitAsync(_stopping);
        try
        {
            if (_connector is not null) return false;
            var result = await open(_stopping);
            if (result.Refusal is { } refusal) Drop(source, refusal);
            if (result.Connector is not { } connector) return false;
            _connector = connector;
            var relay = new PacketRelay(_bus, connector, _kind.Topics.Up, _counters, _packetLog, _kind.DownlinkCapacity,
                changed: () => _ = AnnounceAsync(), forThisAgent: _kind.ForThisAgent);
            _relay = relay; // downlink frames queue from now on; the device takes them once it runs
            _kind.Relaying();
            if (_kind.Announcement() is not null) await AnnounceAsync();
            _relayTask = RunRelayAsync(relay);
            _started.TrySetResult();
            return true;
        }
        finally
        {
            _startLock.Release();
        }
    }

    private async Task RunRelayAsync(PacketRelay relay)
    {
        try
        {
            await relay.RunAsync(_stopping);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _failed.TrySetException(e);
        }
    }

    private async Task OnPeerAsync(string routingKey, JsonObject body)
    {
        try
        {
            await _kind.OnPeerAsync(routingKey, body, _stopping);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log.Warning("{Key}: {Reason}", routingKey, e.Message);
        }
    }

    private async Task AnnounceAsync()
    {
        try
        {
            if (Announcement() is { } body) await _bus.TryPublishAsync(_kind.Topics.Started, body, _stopping);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The kind's announcement; a router-less agent adds <c>"direct": true</c>, so that our router leaves it be.</summary>
    private byte[]? Announcement()
    {
        if (_kind.Announcement() is not { } body) return null;
        if (!_options.Direct) return body;
        var json = Wire.TryParseObject(body)!;
        json["direct"] = true;
        return Wire.ToBytes(json);
    }

    private void Drop(string source, Drop drop)
    {
        _counters.CountDrop(drop.Reason);
        _packetLog.Dropped(source, drop);
    }

    private async Task StopAsync()
    {
        await Farewell.SayAsync(_bus, _name.Value);
        try
        {
            if (_relayTask is { } relayTask) await relayTask.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            if (_connector is { } connector) await connector.DisposeAsync();
        }
        await _bus.SettleAsync(BusOptions.ShutdownBound); // the last packets' confirms, so that the counters are the broker's
        var health = new BusHealth(_bus.Resubscribes, _bus.Blocked, Interlocked.Read(ref _nameClashes));
        _log.Information("Stopped {Name}: {Counters}{Health}", _name, _counters, health.Summary());
        if (_kind.Summary() is { } summary) _log.Information("{Summary}", summary);
    }
}
