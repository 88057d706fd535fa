using Serilog;
using Agent.Core.Addressing;
using Agent.Core.Bus;
using Agent.Core.Connectors;
using Agent.Core.Protocol;
using Agent.Core.Relay;

namespace Agent.Core.Agents;

/// <summary>
/// An IP agent's life on the bus (PROTOCOL.md 3, 5): subscribe, create the interface (now, or on the first
/// <c>tun.start</c>), announce <c>tun.started</c> and <c>component.ready</c>, relay packets, and on stop say
/// <c>component.shutdown</c> and remove the interface.
/// </summary>
public sealed class TunAgent
{
    private readonly AgentName _name;
    private readonly IMessageBus _bus;
    private readonly AddressOptions _options;
    private readonly OpenInterface _open;
    private readonly TrafficCounters _counters;
    private readonly PacketLog _packetLog;
    private readonly ILogger _log;
    private readonly TimeSpan? _startTimeout;
    private readonly SemaphoreSlim _startLock = new(1, 1);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationToken _stopping;
    private IConnector? _connector;
    private PacketRelay? _relay;
    private Task? _relayTask;
    private TunSettings? _settings;

    public TunAgent(AgentName name, IMessageBus bus, AddressOptions options, OpenInterface open, TrafficCounters counters,
        PacketLog packetLog, ILogger log, TimeSpan? startTimeout = null)
    {
        _name = name;
        _bus = bus;
        _options = options;
        _open = open;
        _counters = counters;
        _packetLog = packetLog;
        _log = log;
        _startTimeout = startTimeout;
    }

    /// <summary>The settings of the interface once it exists.</summary>
    public TunSettings? Settings => _settings;

    /// <summary>Runs until cancelled (a clean stop) or until the interface cannot be created (an exception).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _stopping = cancellationToken;
        try
        {
            await _bus.SubscribeAsync([Topics.TunStart(_name), Topics.IpPacketDown(_name)], OnMessageAsync, cancellationToken);
            if (AddressPlan.AtStart(_name, _options) is { } settings)
                await StartInterfaceAsync(settings);
            else
                _log.Information("Waiting for {Key}, or pass --ipv6-prefix/--ipv6-host/--ipv4-address", Topics.TunStart(_name));
            await _bus.TryPublishAsync(Topics.ComponentReady, ComponentMessage.Ready(_name.Value).ToJson(), cancellationToken);

            if (_startTimeout is { } timeout)
            {
                var timedOut = Task.Delay(timeout, cancellationToken);
                await Task.WhenAny(_started.Task, _failed.Task, timedOut);
                if (!_started.Task.IsCompleted && !_failed.Task.IsCompleted && !cancellationToken.IsCancellationRequested)
                    throw new AgentStartException($"no {Topics.TunStart(_name)} within {timeout.TotalSeconds:0} s (--start-timeout)");
            }
            await Task.WhenAny(Task.Delay(Timeout.Infinite, cancellationToken), _failed.Task);
            if (_failed.Task.IsFaulted) await _failed.Task;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await StopAsync();
        }
    }

    private async ValueTask OnMessageAsync(string routingKey, ReadOnlyMemory<byte> body, string? correlationId)
    {
        if (_relay is { } relay && routingKey.EndsWith(Topics.IpPacketSuffix, StringComparison.Ordinal))
        {
            relay.OnDownlink(routingKey, body.Span);
            return;
        }
        if (routingKey.EndsWith(Topics.IpPacketSuffix, StringComparison.Ordinal))
        {
            _counters.CountDrop(DropReasons.NotStarted);
            _packetLog.Dropped(routingKey, DropReasons.NotStarted, "the interface does not exist yet");
            return;
        }
        if (TunConfigMessage.TryParse(body.Span) is not { } start)
        {
            _counters.CountDrop(DropReasons.BadControl);
            _log.Warning("Dropped {Key}: not a JSON object", routingKey);
            return;
        }
        if (_settings is { } current)
        {
            _log.Information("{Key}: the interface exists already; announcing it again", routingKey);
            await AnnounceAsync(current);
            return;
        }
        if (!AddressPlan.TryFromTunStart(_name, _options, start, out var settings, out var error))
        {
            _counters.CountDrop(DropReasons.BadControl);
            _log.Warning("Dropped {Key}: {Error}", routingKey, error);
            return;
        }
        try
        {
            await StartInterfaceAsync(settings!);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _failed.TrySetException(e);
        }
    }

    private async Task StartInterfaceAsync(TunSettings settings)
    {
        await _startLock.WaitAsync(_stopping);
        try
        {
            if (_settings is not null) return;
            var connector = await _open(settings, _stopping);
            _connector = connector;
            _relay = new PacketRelay(_bus, connector, Topics.IpPacketUp(_name), FrameVerdict.IpPacketCheck, _counters, _packetLog);
            _relayTask = _relay.RunAsync(_stopping);
            _settings = settings;
            _log.Information("Interface {Interface} is up: {Settings}", connector.InterfaceName, settings);
            await AnnounceAsync(settings);
            _started.TrySetResult();
        }
        finally
        {
            _startLock.Release();
        }
    }

    private async Task AnnounceAsync(TunSettings settings) =>
        await _bus.TryPublishAsync(Topics.TunStarted(_name), settings.ToStarted(_name).ToJson(), _stopping);

    private async Task StopAsync()
    {
        await Farewell.SayAsync(_bus, _name.Value);
        if (_connector is { } connector) await connector.DisposeAsync();
        if (_relayTask is { } relayTask) await relayTask.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _log.Information("Stopped {Name}: {Counters}", _name, _counters);
    }
}
