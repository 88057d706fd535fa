using Serilog;
using Agent.Core.Drops;
using Agent.Posix;

namespace Agent.Connectors.Serial.Line;

/// <summary>
/// A serial device's life: wait for it while absent, read it on a dedicated thread, notice when it is unplugged and
/// reopen it when it comes back (USB re-enumeration), all without disturbing the broker session. One writer at a time
/// owns the open device (the original agent reopened the port for every frame).
/// </summary>
public sealed class DeviceLine : ISerialLine
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(300);

    /// <summary>How long one frame may wait for a paused line (XOFF, CTS) before it is dropped.</summary>
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(2);

    private readonly string _path;
    private readonly int _baud;
    private readonly Termios.Flow _flow;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly Lock _writeLock = new();
    private SerialDevice? _device;

    public DeviceLine(string path, int baud, Termios.Flow flow, ILogger log, TimeProvider time)
    {
        _path = path;
        _baud = baud;
        _flow = flow;
        _log = log;
        _time = time;
    }

    public string Name => _path;

    public async Task RunAsync(Action<ReadOnlySpan<byte>> received, Action opened, Action closed, CancellationToken cancellationToken)
    {
        string? lastProblem = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            SerialDevice device;
            try
            {
                device = SerialDevice.Open(_path, _baud, _flow);
            }
            catch (Exception e) when (e is FileNotFoundException or IOException)
            {
                var problem = e is FileNotFoundException ? $"Waiting for {_path}" : $"Waiting for {_path}: {e.Message}";
                if (problem != lastProblem) _log.Warning("{Problem}", problem);
                lastProblem = problem;
                try { await Task.Delay(RetryInterval, _time, cancellationToken); } catch (OperationCanceledException) { return; }
                continue;
            }
            lastProblem = null;
            _log.Information("Opened {Path} at {Baud} baud", _path, _baud);
            lock (_writeLock) _device = device;
            try
            {
                opened();
                using var stop = cancellationToken.Register(device.Dispose);
                await Task.Factory.StartNew(() => ReadUntilClosed(device, received), CancellationToken.None,
                    TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
            catch (IOException e)
            {
                _log.Warning("{Path} went away ({Reason}); keeping the session and waiting for it to come back", _path, e.Message);
            }
            finally
            {
                lock (_writeLock) _device = null;
                device.Dispose();
                closed();
            }
        }
    }

    private static void ReadUntilClosed(SerialDevice device, Action<ReadOnlySpan<byte>> received)
    {
        var buffer = new byte[4096];
        int n;
        while ((n = device.Read(buffer)) > 0) received(buffer.AsSpan(0, n));
    }

    public Drop? Write(ReadOnlySpan<byte> bytes)
    {
        lock (_writeLock)
        {
            if (_device is not { } device) return new Drop(DropReason.DeviceAbsent, $"{_path} is not plugged in");
            try
            {
                return device.Write(bytes, WriteTimeout)
                    ? null
                    : new Drop(DropReason.DeviceWrite, $"{_path} stayed paused (XOFF or CTS) for {WriteTimeout.TotalSeconds:0} s");
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                return new Drop(DropReason.DeviceAbsent, $"{_path} went away");
            }
        }
    }

    /// <summary>The kernel does XON/XOFF for a device (termios IXON): it holds our writes and takes the bytes out.</summary>
    public void FlowChanged(bool resumed)
    {
    }
}
