using System.Buffers;
using Serilog;
using Agent.Core.Bus;
using Agent.Core.Protocol;
using Agent.Core.Relay;

namespace Agent.Core.Routing;

/// <summary>
/// The backend packet router with the ioppytest hub semantics (PROTOCOL.md 6): every packet an agent publishes
/// goes to every other known agent, plus agent_TT. Agents are learned from the routing keys of everything they
/// publish, so start order does not matter.
/// </summary>
public sealed class PacketRouter
{
    public const string ComponentName = "packetrouting";

    /// <summary>The testing tool's own agent: always a destination (hub semantics).</summary>
    public const string TestingToolAgent = "agent_TT";

    private readonly IMessageBus _bus;
    private readonly ILogger _log;
    private readonly PacketLog _packetLog;
    private readonly TimeProvider _time;
    private readonly SortedSet<string> _agents = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _body = new(8192);
    private long _toDrop;

    public PacketRouter(IMessageBus bus, IEnumerable<AgentName> seedAgents, ILogger log, PacketLog packetLog, TimeProvider time)
    {
        _bus = bus;
        _log = log;
        _packetLog = packetLog;
        _time = time;
        foreach (var agent in seedAgents) _agents.Add(agent.Value);
    }

    public RouterCounters Counters { get; } = new();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _bus.SubscribeAsync([Topics.AllFromAgents, Topics.LossyLinkStart], OnMessageAsync, cancellationToken);
            _log.Information("Routing between {Agents}", _agents.Count == 0 ? "the agents it will learn" : string.Join(", ", _agents));
            await _bus.TryPublishAsync(Topics.ComponentReady, ComponentMessage.Ready(ComponentName).ToJson(), cancellationToken);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            using var bound = new CancellationTokenSource(BusOptions.ShutdownBound);
            try
            {
                await _bus.TryPublishAsync(Topics.ComponentShutdown, ComponentMessage.Shutdown(ComponentName).ToJson(), bound.Token);
            }
            catch (OperationCanceledException)
            {
            }
            _log.Information("Stopped {Component}", ComponentName);
            foreach (var line in Counters.Lines()) _log.Information("Counters {Line}", line);
        }
    }

    private async ValueTask OnMessageAsync(string routingKey, ReadOnlyMemory<byte> body, string? correlationId)
    {
        if (routingKey == Topics.LossyLinkStart)
        {
            if (LossyLinkStart.TryParse(body.Span) is { } lossy)
            {
                Interlocked.Exchange(ref _toDrop, lossy.NumberOfPacketsToDrop);
                _log.Information("Lossy link: dropping the next {Count} packets", lossy.NumberOfPacketsToDrop);
            }
            else _log.Warning("Ignored {Key}: no number_of_packets_to_drop", routingKey);
            return;
        }
        if (!Topics.TryParseFromAgent(routingKey, out var from, out var rest)) return;
        if (_agents.Add(from)) _log.Information("Learned agent {Agent}", from);
        if (rest is not (Topics.IpPacketSuffix or Topics.SerialPacketSuffix)) return;

        Counters.CountReceived(from);
        if (!PacketMessage.TryRead(body.Span, out var message, out var error))
        {
            Counters.CountDropped(from, DropReasons.MalformedJson);
            _packetLog.Dropped(routingKey, DropReasons.MalformedJson, error);
            return;
        }
        if (Interlocked.Read(ref _toDrop) > 0 && Interlocked.Decrement(ref _toDrop) >= 0)
        {
            Counters.CountDropped(from, DropReasons.Lossy);
            _packetLog.Dropped(routingKey, DropReasons.Lossy, "routing.lossy.link.start");
            return;
        }

        // Only data, interface_name and a fresh integer timestamp travel on, as the ioppytest router does.
        _body.ResetWrittenCount();
        PacketMessage.Write(_body, message!.Data, message.InterfaceName ?? "", _time.GetUtcNow(), integerTimestamp: true);
        var forwarded = 0;
        foreach (var to in Destinations(from))
        {
            if (await _bus.TryPublishAsync($"toAgent.{to}.{rest}", _body.WrittenMemory))
            {
                Counters.CountForwarded(from, to);
                forwarded++;
            }
            else
            {
                Counters.CountDropped(from, DropReasons.BusUnavailable);
            }
        }
        _packetLog.Packet($"{from} -> {forwarded} agents", Counters.Received(from), message.Data);
    }

    private IEnumerable<string> Destinations(string from) =>
        _agents.Append(TestingToolAgent).Distinct(StringComparer.Ordinal).Where(a => a != from);
}
