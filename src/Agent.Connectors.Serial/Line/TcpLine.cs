using System.Net;
using System.Net.Sockets;
using Serilog;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.Line;

/// <summary>
/// A mote's UART reached over TCP (<c>tcp://</c>: FIT IoT-LAB, Cooja, ser2net raw; <c>rfc2217://</c>: ser2net's telnet
/// mode, see <see cref="Rfc2217Session"/>). A connection that cannot be made, or that ends, is a mote unplugged: the
/// broker session stays and the line connects again with backoff, one log line per attempt. With XON/XOFF flow our
/// writes wait while the mote holds XOFF, as the kernel's termios IXON does for a device.
/// </summary>
public sealed class TcpLine : ISerialLine
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long one frame may wait for XOFF to end, or for the connection to take it, before it is dropped.</summary>
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Delays between attempts: doubling from the first, never above the last.</summary>
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(3);

    /// <summary>A connection that lasted this long worked: the next failure starts the backoff again.</summary>
    private static readonly TimeSpan SteadyAfter = TimeSpan.FromSeconds(10);

    /// <summary>A connection closed after fewer bytes than this, all text, was the server saying why (ser2net: "Port already in use").</summary>
    private const int FarewellLength = 200;

    private readonly LineAddress _address;
    private readonly ComPortSettings? _comPort;
    private readonly bool _holdOnXoff;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly Lock _writeLock = new();
    private readonly ManualResetEventSlim _resumed = new(true);
    private TcpConnection? _connection;

    /// <param name="comPort">The remote port's settings for an <c>rfc2217://</c> line; null for raw TCP.</param>
    /// <param name="holdOnXoff">Hold our writes between the mote's XOFF and XON (<c>--flow xonxoff</c>).</param>
    public TcpLine(LineAddress address, ComPortSettings? comPort, bool holdOnXoff, ILogger log, TimeProvider time)
    {
        if (!address.IsNetwork) throw new ArgumentException($"{address} is not a network address", nameof(address));
        _address = address;
        _comPort = comPort;
        _holdOnXoff = holdOnXoff;
        _log = log;
        _time = time;
    }

    public string Name => _address.Text;

    public async Task RunAsync(Action<ReadOnlySpan<byte>> received, Action opened, Action closed, CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await ConnectAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (IOException e)
            {
                var delay = Backoff(attempt++);
                _log.Warning("Cannot connect to {Line}: {Reason}; retrying in {Delay} s (attempt {Attempt})",
                    Name, e.Message, delay.TotalSeconds, attempt);
                if (!await DelayAsync(delay, cancellationToken)) return;
                continue;
            }

            var connected = _time.GetTimestamp();
            var ended = await RunConnectionAsync(socket, received, opened, closed, cancellationToken);
            if (cancellationToken.IsCancellationRequested) return;
            if (_time.GetElapsedTime(connected) >= SteadyAfter) attempt = 0;
            var retry = Backoff(attempt++);
            _log.Warning("{Line} {Ended}; keeping the session and connecting again in {Delay} s", Name, ended, retry.TotalSeconds);
            if (!await DelayAsync(retry, cancellationToken)) return;
        }
    }

    public Drop? Write(ReadOnlySpan<byte> bytes)
    {
        if (_holdOnXoff && !_resumed.Wait(WriteTimeout))
            return new Drop(DropReason.DeviceWrite, $"{Name}: the mote held XOFF for {WriteTimeout.TotalSeconds:0} s");
        lock (_writeLock)
        {
            if (_connection is not { } connection) return new Drop(DropReason.DeviceAbsent, $"{Name} is not connected");
            try
            {
                connection.SendData(bytes);
                return null;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
                return new Drop(DropReason.DeviceWrite, $"{Name} took nothing for {WriteTimeout.TotalSeconds:0} s");
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return new Drop(DropReason.DeviceAbsent, $"{Name} went away");
            }
        }
    }

    public void FlowChanged(bool resumed)
    {
        if (resumed) _resumed.Set();
        else _resumed.Reset();
    }

    private async Task<string> RunConnectionAsync(Socket socket, Action<ReadOnlySpan<byte>> received, Action opened, Action closed,
        CancellationToken cancellationToken)
    {
        var connection = new TcpConnection(socket, WriteTimeout) { Telnet = _comPort is not null };
        var session = _comPort is null ? null : new Rfc2217Session(Name, _comPort, bytes => SendControl(connection, bytes), _log, _time);
        lock (_writeLock) _connection = connection;
        _resumed.Set(); // a new connection starts unpaused, as the XON/XOFF filter does
        _log.Information("Connected to {Line}{Mode}", Name, _comPort is null ? "" : $" (RFC 2217: asking for {_comPort})");
        var farewell = new List<byte>();
        try
        {
            session?.Start();
            opened();
            var buffer = new byte[4096];
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (n == 0) return "closed the connection" + Farewell(farewell);
                if (session is not null) n = session.Receive(buffer.AsSpan(0, n));
                if (farewell.Count <= FarewellLength) farewell.AddRange(buffer.AsSpan(0, Math.Min(n, FarewellLength + 1)));
                if (n > 0) received(buffer.AsSpan(0, n));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return "stopped";
        }
        catch (SocketException e)
        {
            return $"lost the connection ({e.Message})";
        }
        finally
        {
            lock (_writeLock) _connection = null;
            _resumed.Set(); // writers waiting for XON give up at once
            session?.Dispose();
            connection.Dispose();
            closed();
        }
    }

    /// <summary>Telnet answers and settings: they go whatever the mote's flow says (they are for the server).</summary>
    private void SendControl(TcpConnection connection, byte[] bytes)
    {
        lock (_writeLock)
        {
            if (_connection != connection) return;
            try
            {
                connection.SendRaw(bytes);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // The reader finds out and says so.
            }
        }
    }

    /// <summary>ser2net says why before it closes: "Port already in use", "Device open failure: ...".</summary>
    private static string Farewell(List<byte> bytes)
    {
        if (bytes.Count is 0 or > FarewellLength || bytes.Any(b => b is (< 0x20 or > 0x7E) and not (0x0D or 0x0A or 0x09))) return "";
        return $" after saying '{System.Text.Encoding.ASCII.GetString([.. bytes]).Trim()}'";
    }

    private async Task<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            IPAddress[] addresses;
            if (IPAddress.TryParse(_address.Host, out var literal)) addresses = [literal];
            else
            {
                try
                {
                    addresses = await Dns.GetHostAddressesAsync(_address.Host, linked.Token);
                }
                catch (SocketException e)
                {
                    throw new IOException($"host {_address.Host} does not resolve ({e.Message})");
                }
                if (addresses.Length == 0) throw new IOException($"host {_address.Host} has no address");
            }
            var reason = "";
            foreach (var address in addresses)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, _address.Port), linked.Token);
                    TcpConnection.Tune(socket);
                    return socket;
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    reason = e.SocketErrorCode == SocketError.ConnectionRefused
                        ? $"{address} refused the connection (nothing listens on port {_address.Port}?)"
                        : $"{address}: {e.Message}";
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }
            throw new IOException(reason);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"no answer within {ConnectTimeout.TotalSeconds:0} s");
        }
    }

    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromTicks(Math.Min(LongestRetry.Ticks, FirstRetry.Ticks << Math.Min(attempt, 10)));

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
