using System.Buffers;
using System.Threading.Channels;
using Agent.Core.Bus;
using Agent.Core.Connectors;
using Agent.Core.Drops;
using Agent.Core.Protocol;

namespace Agent.Core.Relay;

/// <summary>
/// Moves frames between one connector and the bus: every frame the device reads goes up on <c>upKey</c>; every
/// downlink body is checked, queued (bounded) and written to the device by one writer, behind which the device's own
/// frames queue too (the one write path). Counts and logs what it moves and what it drops; it is the connector's host.
/// </summary>
public sealed class PacketRelay : IConnectorHost, IPublishOutcome
{
    public const int DefaultDownlinkCapacity = 1024;

    private readonly IMessageBus _bus;
    private readonly IConnector _connector;
    private readonly string _upKey;
    private readonly TrafficCounters _counters;
    private readonly PacketLog _packetLog;
    private readonly Action _changed;
    private readonly FrameFilter _forThisAgent;
    private readonly Channel<Outbound> _downlink;
    private volatile bool _stopped;
    private long _published;

    /// <param name="changed">Called when what the agent announces about the device changed.</param>
    /// <param name="forThisAgent">For a router-less agent: which of the other agents' packets are its own to take.</param>
    public PacketRelay(IMessageBus bus, IConnector connector, string upKey, TrafficCounters counters, PacketLog packetLog,
        int downlinkCapacity = DefaultDownlinkCapacity, Action? changed = null, FrameFilter? forThisAgent = null)
    {
        _forThisAgent = forThisAgent ?? (_ => null);
        _bus = bus;
        _connector = connector;
        _upKey = upKey;
        _counters = counters;
        _packetLog = packetLog;
        _changed = changed ?? (() => { });
        _downlink = Channel.CreateBounded<Outbound>(new BoundedChannelOptions(downlinkCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: a full queue refuses, and we count
        });
    }

    /// <summary>
    /// Runs the device and both directions until cancelled. A device failure that its connector cannot mend ends the
    /// relay with that exception.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var up = PublishUplinkAsync(stop.Token);
        var down = WriteDownlinkAsync(stop.Token);
        try
        {
            await _connector.RunAsync(this, stop.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await stop.CancelAsync();
            await up.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await down.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            // What the device never took is counted, and so is what comes from now on.
            _stopped = true;
            _downlink.Writer.TryComplete();
            while (_downlink.Reader.TryRead(out _)) Drop(_connector.Name, Stopping);
        }
    }

    private static readonly Drop Stopping = new(DropReason.Stopping, "the agent stopped before the device took it");

    /// <summary>Takes one downlink body: decoded and checked here, before the consumer's buffer goes away.</summary>
    public void OnDownlink(string routingKey, ReadOnlySpan<byte> body) => OnDownlink(routingKey, body, peer: false);

    /// <summary>Takes another agent's uplink body (a router-less agent): only the packets for this agent go down.</summary>
    public void OnPeerPacket(string routingKey, ReadOnlySpan<byte> body) => OnDownlink(routingKey, body, peer: true);

    private void OnDownlink(string routingKey, ReadOnlySpan<byte> body, bool peer)
    {
        if (!PacketMessage.TryRead(body, out var message, out var error))
        {
            Drop(routingKey, new Drop(DropReason.MalformedJson, error));
            return;
        }
        if (peer && _forThisAgent(message!.Data) is { } notOurs)
        {
            Drop(routingKey, notOurs);
            return;
        }
        if (_connector.CheckDownlink(message!.Data) is { } refused)
        {
            Drop(routingKey, refused);
            return;
        }
        Enqueue(routingKey, new Outbound(message.Data));
    }

    void IConnectorHost.Dropped(Drop drop) => Drop(_connector.Name, drop);

    void IConnectorHost.Printed(string text) => _packetLog.Text(_connector.Name, text);

    void IConnectorHost.Changed() => _changed();

    void IConnectorHost.Send(Outbound frame) => Enqueue(_connector.Name, frame);

    private void Enqueue(string source, Outbound frame)
    {
        if (_downlink.Writer.TryWrite(frame)) return;
        Drop(source, _stopped
            ? Stopping
            : new Drop(DropReason.Backlog, "the queue towards the device is full"));
    }

    void IPublishOutcome.Confirmed(long state) => _counters.CountUp((int)state);

    void IPublishOutcome.Lost(long state, bool refused) => Drop(_upKey, refused
        ? new Drop(DropReason.BrokerRefused, "the broker refused a packet (nack)")
        : new Drop(DropReason.Unconfirmed, "the connection went before the broker confirmed a packet"));

    private void Drop(string source, Drop drop)
    {
        _counters.CountDrop(drop.Reason);
        _packetLog.Dropped(source, drop);
    }

    private async Task PublishUplinkAsync(CancellationToken cancellationToken)
    {
        var body = new ArrayBufferWriter<byte>(8192);
        await foreach (var frame in _connector.Frames.ReadAllAsync(cancellationToken))
        {
            body.ResetWrittenCount();
            PacketMessage.Write(body, frame.Data, _connector.InterfaceName, frame.CapturedAt,
                dataSlip: frame.Wire, withDataSlip: frame.Wire is not null);
            // Counted as up when the broker confirms it (Confirmed below), so the counters say what it really took.
            switch (await _bus.PublishPacketAsync(_upKey, body.WrittenMemory, this, frame.Data.Length, cancellationToken))
            {
                case PublishResult.Accepted:
                    _packetLog.Packet("up", ++_published, frame.Data, body.WrittenSpan);
                    break;
                case PublishResult.Blocked:
                    Drop(_upKey, new Drop(DropReason.BrokerBlocked, "the broker blocks publishing (memory or disk alarm)"));
                    break;
                default:
                    Drop(_upKey, new Drop(DropReason.BusUnavailable, "the broker connection is down"));
                    break;
            }
        }
    }

    private async Task WriteDownlinkAsync(CancellationToken cancellationToken)
    {
        await foreach (var frame in _downlink.Reader.ReadAllAsync(cancellationToken))
        {
            if (await _connector.WriteAsync(frame, cancellationToken) is { } refused)
                Drop(_connector.Name, refused);
            else if (!frame.Control)
                _packetLog.Packet("down", _counters.CountDown(frame.Data.Length), frame.Data);
        }
    }
}
