using System.Buffers;
using System.Threading.Channels;
using Agent.Core.Bus;
using Agent.Core.Connectors;
using Agent.Core.Protocol;

namespace Agent.Core.Relay;

/// <summary>
/// Moves frames between one connector and the bus: every frame the device reads goes up on <c>upKey</c>; every
/// downlink body is checked, queued (bounded) and written to the device. Counts what it moves and what it drops.
/// </summary>
public sealed class PacketRelay
{
    public const int DefaultDownlinkCapacity = 1024;

    private readonly IMessageBus _bus;
    private readonly IConnector _connector;
    private readonly string _upKey;
    private readonly FrameCheck _check;
    private readonly TrafficCounters _counters;
    private readonly PacketLog _packetLog;
    private readonly Channel<byte[]> _downlink;

    public PacketRelay(IMessageBus bus, IConnector connector, string upKey, FrameCheck check, TrafficCounters counters, PacketLog packetLog,
        int downlinkCapacity = DefaultDownlinkCapacity)
    {
        _bus = bus;
        _connector = connector;
        _upKey = upKey;
        _check = check;
        _counters = counters;
        _packetLog = packetLog;
        _downlink = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(downlinkCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Runs both directions until cancelled or until the connector's frames end.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var down = WriteDownlinkAsync(stop.Token);
        try
        {
            await PublishUplinkAsync(cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            try { await down; } catch (OperationCanceledException) { }
        }
    }

    /// <summary>Takes one downlink body: decoded and checked here, before the consumer's buffer goes away.</summary>
    public void OnDownlink(string routingKey, ReadOnlySpan<byte> body)
    {
        if (!PacketMessage.TryRead(body, out var message, out var error))
        {
            _counters.CountDrop(DropReasons.MalformedJson);
            _packetLog.Dropped(routingKey, DropReasons.MalformedJson, error);
            return;
        }
        var verdict = _check(message!.Data);
        if (!verdict.Accepted)
        {
            _counters.CountDrop(verdict.DropReason!);
            _packetLog.Dropped(routingKey, verdict.DropReason!, verdict.Detail, verdict.Quiet);
            return;
        }
        if (!_downlink.Writer.TryWrite(message.Data))
        {
            _counters.CountDrop(DropReasons.Backlog);
            _packetLog.Dropped(routingKey, DropReasons.Backlog, "the queue towards the device is full");
        }
    }

    private async Task PublishUplinkAsync(CancellationToken cancellationToken)
    {
        var body = new ArrayBufferWriter<byte>(8192);
        try
        {
            await foreach (var frame in _connector.Frames.ReadAllAsync(cancellationToken))
            {
                body.ResetWrittenCount();
                PacketMessage.Write(body, frame.Data, _connector.InterfaceName, frame.CapturedAt,
                    dataSlip: frame.Wire, withDataSlip: frame.Wire is not null);
                if (await _bus.TryPublishAsync(_upKey, body.WrittenMemory, cancellationToken))
                {
                    var count = _counters.CountUp(frame.Data.Length);
                    _packetLog.Packet("up", count, frame.Data, body.WrittenSpan);
                }
                else
                {
                    _counters.CountDrop(DropReasons.BusUnavailable);
                    _packetLog.Dropped(_upKey, DropReasons.BusUnavailable, "the broker connection is down");
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task WriteDownlinkAsync(CancellationToken cancellationToken)
    {
        await foreach (var packet in _downlink.Reader.ReadAllAsync(cancellationToken))
        {
            if (await _connector.WriteAsync(packet, cancellationToken) is { } reason)
            {
                _counters.CountDrop(reason);
                _packetLog.Dropped(_connector.InterfaceName, reason, "the device did not take the frame");
            }
            else
                _packetLog.Packet("down", _counters.CountDown(packet.Length), packet);
        }
    }
}
