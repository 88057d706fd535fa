using System.Threading.Channels;
using Serilog;
using Agent.Core.Addressing;
using Agent.Core.Connectors;
using Agent.Core.Drops;
using Agent.Core.Packets;

namespace Agent.Connectors.Tun;

/// <summary>
/// Connects a Linux TUN interface to the relay: one dedicated thread reads packets into a bounded channel (overflow is
/// dropped and counted, so a slow bus never blocks the device), and each written frame goes to the device as one packet.
/// </summary>
public sealed class TunConnector : ITunInterface
{
    private const int FrameQueueCapacity = 4096;

    // Larger than any MTU: without IFF_VNET_HDR the kernel never hands out more than one IP packet.
    private const int ReadBufferSize = 65535;

    private readonly TunDevice _device;
    private readonly int _mtu;
    private readonly string? _netns;
    private readonly InterfaceConfigurator _ip;
    private readonly Forwarding? _forwarding;
    private readonly TimeProvider _time;
    private readonly Channel<Frame> _frames = Channel.CreateBounded<Frame>(new BoundedChannelOptions(FrameQueueCapacity)
    {
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait, // with TryWrite: a full queue refuses, and we count
    });
    private int _disposed;
    private Thread? _reader;

    private TunConnector(TunDevice device, int mtu, string? netns, InterfaceConfigurator ip, Forwarding? forwarding, TimeProvider time)
    {
        _device = device;
        _mtu = mtu;
        _netns = netns;
        _ip = ip;
        _forwarding = forwarding;
        _time = time;
    }

    public string Name => _device.Name;

    public string InterfaceName => _device.Name;

    public ChannelReader<Frame> Frames => _frames.Reader;

    /// <summary>Creates the TUN interface and configures it (addresses, and the re-route setup if any); <see cref="RunAsync"/> then reads it.</summary>
    /// <param name="time">Stamps each frame's <see cref="Frame.CapturedAt"/>.</param>
    /// <exception cref="TunUnavailableException">The interface could not be created.</exception>
    /// <exception cref="InterfaceConfigurationException">The interface could not be configured; it is removed again.</exception>
    public static async Task<TunConnector> OpenAsync(TunInterfaceOptions options, TunSettings settings, ILogger log, TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        var device = TunDevice.Open(options.NamePattern);
        var ip = new InterfaceConfigurator();
        try
        {
            if (options.Netns is { } netns)
                device.Name = await ip.MoveAsync(device.Name, netns, options.NamePattern, cancellationToken).ConfigureAwait(false);
            await ip.ConfigureAsync(device.Name, options.Netns, options.Mtu, settings.Addresses, cancellationToken).ConfigureAwait(false);
            var forwarding = await Forwarding.ApplyAsync(ip, device.Name, options.Netns, settings, log, cancellationToken).ConfigureAwait(false);
            return new TunConnector(device, options.Mtu, options.Netns, ip, forwarding, time);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    public Task RouteIntoTunnelAsync(Ipv6Prefix prefix, CancellationToken cancellationToken) =>
        _ip.RunAsync(_netns, ["-6", "route", "replace", prefix.ToString(), "dev", _device.Name, "metric", "1"], cancellationToken);

    /// <summary>Reads the interface until cancelled; a device that fails (the interface deleted) ends it with that error.</summary>
    public async Task RunAsync(IConnectorHost host, CancellationToken cancellationToken)
    {
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _reader = new Thread(() => ReadLoop(host, failed)) { IsBackground = true, Name = $"tun reader {_device.Name}" };
        _reader.Start();
        await Task.WhenAny(failed.Task, Task.Delay(Timeout.Infinite, cancellationToken));
        if (failed.Task.IsFaulted) await failed.Task;
    }

    /// <summary>
    /// One well-formed IP packet that fits the interface's MTU: the kernel would take a larger one (a TUN write is not
    /// checked against the MTU) and hand the host a packet no link of this session could carry.
    /// </summary>
    public Drop? CheckDownlink(ReadOnlySpan<byte> frame)
    {
        if (frame.Length > _mtu) return new Drop(DropReason.Oversize, $"a {frame.Length}-byte packet, more than {_device.Name}'s MTU of {_mtu}");
        return IpPacket.IsWellFormed(frame, out var reason) ? null : new Drop(DropReason.NotIpPacket, reason);
    }

    /// <summary>Writes one packet to the interface; a refused packet is a drop, never an exception, so one packet cannot stop the relay.</summary>
    public ValueTask<Drop?> WriteAsync(Outbound frame, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<Drop?>(cancellationToken);
        return ValueTask.FromResult<Drop?>(_device.TryWrite(frame.Data)
            ? null
            : new Drop(DropReason.DeviceWrite, $"{_device.Name} refused a {frame.Data.Length}-byte packet"));
    }

    /// <summary>
    /// Stops the reader, closes the device (the kernel removes the interface and its routes), undoes the re-route setup
    /// and completes <see cref="Frames"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // Wakes the reader out of poll(); the fd is closed when the reader lets go of it, so after the join the
        // interface is gone.
        _device.Dispose();
        if (_reader is { IsAlive: true } reader) reader.Join();
        _frames.Writer.TryComplete();
        if (_forwarding is not null) await _forwarding.UndoAsync();
    }

    private void ReadLoop(IConnectorHost host, TaskCompletionSource failed)
    {
        var buffer = new byte[ReadBufferSize];
        try
        {
            int length;
            while ((length = _device.Read(buffer)) > 0)
            {
                if (!_frames.Writer.TryWrite(new Frame(buffer.AsSpan(0, length).ToArray(), _time.GetUtcNow())))
                    host.Dropped(new Drop(DropReason.UplinkOverflow, "the queue towards the bus is full"));
            }
            _frames.Writer.TryComplete();
        }
        catch (Exception e)
        {
            // The device failed (the interface was deleted): the agent hears why.
            _frames.Writer.TryComplete();
            failed.TrySetException(e);
        }
    }
}
