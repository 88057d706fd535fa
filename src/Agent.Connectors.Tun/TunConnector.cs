using System.Collections.Concurrent;
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
/// An interface deleted under it (<c>ip link del</c>) is said, and made again under the same name with its addresses,
/// re-route setup and routes; what was written meanwhile is counted as lost.
/// </summary>
public sealed class TunConnector : ITunInterface
{
    private const int FrameQueueCapacity = 4096;

    // Larger than any MTU: without IFF_VNET_HDR the kernel never hands out more than one IP packet.
    private const int ReadBufferSize = 65535;

    private readonly TunInterfaceOptions _options;
    private readonly TunSettings _settings;
    private readonly InterfaceConfigurator _ip;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<Ipv6Prefix, bool> _tunnelRoutes = new();
    private readonly Channel<Frame> _frames = Channel.CreateBounded<Frame>(new BoundedChannelOptions(FrameQueueCapacity)
    {
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait, // with TryWrite: a full queue refuses, and we count
    });
    private volatile TunDevice _device;
    private Forwarding? _forwarding;
    private int _disposed;
    private Thread? _reader;

    private TunConnector(TunDevice device, Forwarding? forwarding, TunInterfaceOptions options, TunSettings settings, InterfaceConfigurator ip,
        ILogger log, TimeProvider time)
    {
        _device = device;
        _forwarding = forwarding;
        _options = options;
        _settings = settings;
        _ip = ip;
        _log = log;
        _time = time;
        Name = device.Name;
    }

    /// <summary>The interface's name, kept when it is made again.</summary>
    public string Name { get; }

    public string InterfaceName => Name;

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
        var ip = new InterfaceConfigurator();
        var (device, forwarding) = await CreateAsync(options.NamePattern, options, settings, ip, log, cancellationToken).ConfigureAwait(false);
        return new TunConnector(device, forwarding, options, settings, ip, log, time);
    }

    private static async Task<(TunDevice, Forwarding?)> CreateAsync(string name, TunInterfaceOptions options, TunSettings settings,
        InterfaceConfigurator ip, ILogger log, CancellationToken cancellationToken)
    {
        var device = TunDevice.Open(name);
        try
        {
            if (options.Netns is { } netns)
                device.Name = await ip.MoveAsync(device.Name, netns, options.NamePattern, cancellationToken).ConfigureAwait(false);
            await ip.ConfigureAsync(device.Name, options.Netns, options.Mtu, settings.Addresses, cancellationToken).ConfigureAwait(false);
            return (device, await Forwarding.ApplyAsync(ip, device.Name, options.Netns, settings, log, cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    public async Task RouteIntoTunnelAsync(Ipv6Prefix prefix, CancellationToken cancellationToken)
    {
        await _ip.RunAsync(_options.Netns, ["-6", "route", "replace", prefix.ToString(), "dev", Name, "metric", "1"], cancellationToken);
        _tunnelRoutes[prefix] = true;
    }

    /// <summary>
    /// Reads the interface until cancelled. When it goes away it is made again; if that fails, this ends with an error
    /// that says so (the agent then stops, non-zero): an agent with no interface must not look healthy.
    /// </summary>
    public async Task RunAsync(IConnectorHost host, CancellationToken cancellationToken)
    {
        while (true)
        {
            var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var device = _device;
            _reader = new Thread(() => ReadLoop(device, host, failed)) { IsBackground = true, Name = $"tun reader {Name}" };
            _reader.Start();
            await Task.WhenAny(failed.Task, Task.Delay(Timeout.Infinite, cancellationToken));
            if (!failed.Task.IsFaulted) return;
            var reason = failed.Task.Exception!.InnerException!.Message;
            _log.Warning("{Interface} went away ({Reason}); making it again with its addresses", Name, reason);
            await RecreateAsync(cancellationToken);
        }
    }

    private async Task RecreateAsync(CancellationToken cancellationToken)
    {
        _device.Dispose(); // writes meanwhile are counted as lost (device-absent)
        if (_forwarding is { } old) await old.UndoAsync();
        try
        {
            var (device, forwarding) = await CreateAsync(Name, _options, _settings, _ip, _log, cancellationToken);
            (_device, _forwarding) = (device, forwarding);
            foreach (var prefix in _tunnelRoutes.Keys) await RouteIntoTunnelAsync(prefix, cancellationToken);
        }
        catch (Exception e) when (e is TunUnavailableException or InterfaceConfigurationException)
        {
            throw new TunUnavailableException($"{Name} went away and cannot be made again: {e.Message}", (e as TunUnavailableException)?.Errno ?? 0);
        }
        _log.Information("{Interface} is up again: {Settings}", Name, _settings);
    }

    /// <summary>
    /// One well-formed IP packet that fits the interface's MTU: the kernel would take a larger one (a TUN write is not
    /// checked against the MTU) and hand the host a packet no link of this session could carry.
    /// </summary>
    public Drop? CheckDownlink(ReadOnlySpan<byte> frame)
    {
        if (frame.Length > _options.Mtu) return new Drop(DropReason.Oversize, $"a {frame.Length}-byte packet, more than {Name}'s MTU of {_options.Mtu}");
        return IpPacket.IsWellFormed(frame, out var reason) ? null : new Drop(DropReason.NotIpPacket, reason);
    }

    /// <summary>Writes one packet to the interface; a refused packet is a drop, never an exception, so one packet cannot stop the relay.</summary>
    public ValueTask<Drop?> WriteAsync(Outbound frame, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<Drop?>(cancellationToken);
        try
        {
            return ValueTask.FromResult<Drop?>(_device.TryWrite(frame.Data)
                ? null
                : new Drop(DropReason.DeviceWrite, $"{Name} refused a {frame.Data.Length}-byte packet"));
        }
        catch (ObjectDisposedException)
        {
            return ValueTask.FromResult<Drop?>(new Drop(DropReason.DeviceAbsent, $"{Name} is being made again"));
        }
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

    private void ReadLoop(TunDevice device, IConnectorHost host, TaskCompletionSource failed)
    {
        var buffer = new byte[ReadBufferSize];
        try
        {
            int length;
            while ((length = device.Read(buffer)) > 0)
            {
                if (!_frames.Writer.TryWrite(new Frame(buffer.AsSpan(0, length).ToArray(), _time.GetUtcNow())))
                    host.Dropped(new Drop(DropReason.UplinkOverflow, "the queue towards the bus is full"));
            }
        }
        catch (Exception e)
        {
            // The device failed (the interface was deleted): RunAsync makes it again, or ends with why not.
            failed.TrySetException(e);
        }
    }
}
