using System.Threading.Channels;
using Agent.Core.Connectors;
using Agent.Core.Relay;

namespace Agent.Connectors.Tun;

/// <summary>
/// Connects a Linux TUN interface to the relay: one dedicated thread reads packets into a
/// bounded channel (overflow is dropped and counted, so a slow bus never blocks the device),
/// and each written frame goes to the device as one packet.
/// </summary>
public sealed class TunConnector : IConnector
{
    private const int FrameQueueCapacity = 4096;

    // Larger than any MTU: without IFF_VNET_HDR the kernel never hands out more than one IP packet.
    private const int ReadBufferSize = 65535;

    private readonly TunDevice _device;
    private readonly TimeProvider _time;
    private readonly TrafficCounters? _counters;
    private readonly Channel<Frame> _frames;
    private readonly Thread _reader;
    private long _uplinkOverflowDrops;
    private long _writeFailures;
    private int _disposed;

    private TunConnector(TunDevice device, TunInterfaceOptions options, IReadOnlyList<InterfaceAddress> addresses, TrafficCounters? counters, TimeProvider time)
    {
        _device = device;
        _counters = counters;
        _time = time;
        Mtu = options.Mtu;
        Netns = options.Netns;
        Addresses = addresses;
        _frames = Channel.CreateBounded<Frame>(new BoundedChannelOptions(FrameQueueCapacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: a full queue refuses, and we count
        });
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = $"tun reader {device.Name}" };
    }

    /// <inheritdoc />
    public string InterfaceName => _device.Name;

    /// <inheritdoc />
    public ChannelReader<Frame> Frames => _frames.Reader;

    /// <summary>The addresses put on the interface.</summary>
    public IReadOnlyList<InterfaceAddress> Addresses { get; }

    /// <summary>The network namespace the interface lives in, or null for the agent's own.</summary>
    public string? Netns { get; }

    /// <summary>The interface's MTU.</summary>
    public int Mtu { get; }

    /// <summary>Packets read from the device and dropped because nobody took frames fast enough.</summary>
    public long UplinkOverflowDrops => Interlocked.Read(ref _uplinkOverflowDrops);

    /// <summary>Frames the device refused to take.</summary>
    public long WriteFailures => Interlocked.Read(ref _writeFailures);

    /// <summary>Creates the TUN interface, configures it and starts reading.</summary>
    /// <exception cref="TunUnavailableException">The interface could not be created.</exception>
    /// <exception cref="InterfaceConfigurationException">The interface could not be configured; it is removed again.</exception>
    public static Task<TunConnector> OpenAsync(
        TunInterfaceOptions options, IReadOnlyList<InterfaceAddress> addresses, CancellationToken cancellationToken) =>
        OpenAsync(options, addresses, counters: null, TimeProvider.System, cancellationToken);

    /// <inheritdoc cref="OpenAsync(TunInterfaceOptions, IReadOnlyList{InterfaceAddress}, CancellationToken)" />
    /// <param name="counters">
    /// The agent's counters: uplink overflow is also counted there, as <see cref="DropReasons.UplinkOverflow"/>.
    /// Refused writes are not: the caller sees them in what <see cref="WriteAsync"/> returns.
    /// </param>
    /// <param name="timeProvider">Stamps each frame's <see cref="Frame.CapturedAt"/>.</param>
    public static async Task<TunConnector> OpenAsync(
        TunInterfaceOptions options,
        IReadOnlyList<InterfaceAddress> addresses,
        TrafficCounters? counters,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(timeProvider);

        TunDevice device = TunDevice.Open(options.NamePattern);
        try
        {
            await new InterfaceConfigurator()
                .ConfigureAsync(device.Name, options.Netns, options.Mtu, addresses, cancellationToken)
                .ConfigureAwait(false);
        }
        catch
        {
            device.Dispose();
            throw;
        }

        var connector = new TunConnector(device, options, [.. addresses], counters, timeProvider);
        connector._reader.Start();
        return connector;
    }

    /// <summary>
    /// Writes one packet to the interface. Returns <see cref="DropReasons.DeviceWrite"/>, and counts it in
    /// <see cref="WriteFailures"/>, when the device refused it; never throws for one packet: one lost
    /// packet must not stop the relay.
    /// </summary>
    public ValueTask<string?> WriteAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<string?>(cancellationToken);
        }

        if (_device.TryWrite(frame.Span))
        {
            return ValueTask.FromResult<string?>(null);
        }

        Interlocked.Increment(ref _writeFailures);
        return ValueTask.FromResult<string?>(DropReasons.DeviceWrite);
    }

    /// <summary>Stops the reader, closes the device (the kernel removes the interface) and completes <see cref="Frames"/>.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }

        // Wakes the reader out of poll(); the fd is closed when the reader lets go of it,
        // so after the join the interface is gone.
        _device.Dispose();
        if (_reader.IsAlive)
        {
            _reader.Join();
        }

        _frames.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    private void ReadLoop()
    {
        var buffer = new byte[ReadBufferSize];
        try
        {
            while (true)
            {
                int length = _device.Read(buffer);
                if (length == 0)
                {
                    break;
                }

                var frame = new Frame(buffer.AsSpan(0, length).ToArray(), _time.GetUtcNow());
                if (!_frames.Writer.TryWrite(frame))
                {
                    Interlocked.Increment(ref _uplinkOverflowDrops);
                    _counters?.CountDrop(DropReasons.UplinkOverflow);
                }
            }

            _frames.Writer.TryComplete();
        }
        catch (Exception e)
        {
            // The device failed (e.g. the interface was deleted): readers of Frames see why.
            _frames.Writer.TryComplete(e);
        }
    }
}
