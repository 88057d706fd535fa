using System.Net;
using System.Net.Sockets;
using Agent.Framing.Telnet;
using FirmwareSim.Uart;

namespace FirmwareSim.Tcp;

/// <summary>
/// The mote's UART served over TCP, as FIT IoT-LAB serves a node's on port 20000 and ser2net a lab's: one client at a
/// time (a second one is told so and closed, as ser2net does), the mote running whether or not one is connected (its
/// bytes are lost meanwhile), and with <c>--drop-after</c> each client's connection closed after so many seconds.
/// With <c>rfc2217://</c> the stream is telnet (<see cref="ComPortServer"/>).
/// </summary>
public sealed class TcpMotePort : IMotePort
{
    /// <summary>A client that takes nothing for this long has its bytes dropped.</summary>
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(1);

    private readonly Socket _listener;
    private readonly ListenAddress _address;
    private readonly TimeSpan? _dropAfter;
    private readonly int _baud;
    private readonly EventLog _log;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new(); // the current client
    private readonly Task _accepting;
    private Client? _client;
    private long _discarded;
    private bool _stopping;

    private TcpMotePort(Socket listener, ListenAddress address, TimeSpan? dropAfter, int baud, EventLog log, TimeProvider time)
    {
        _listener = listener;
        _address = address;
        _dropAfter = dropAfter;
        _baud = baud;
        _log = log;
        _time = time;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>The port listened on (the kernel's pick for port 0).</summary>
    public int Port { get; }

    public string Description => $"{_address.ToString(Port)} (listening, one client at a time)";

    public long DiscardedBytes => Interlocked.Read(ref _discarded);

    /// <exception cref="ListenException">The address cannot be listened on.</exception>
    public static TcpMotePort Open(ListenAddress address, TimeSpan? dropAfter, int baud, EventLog log, TimeProvider time)
    {
        var listener = new Socket(address.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(address.EndPoint);
            listener.Listen(4);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new ListenException($"cannot listen on {address}: {e.Message} (another program on port {address.EndPoint.Port}? choose another)");
        }
        return new TcpMotePort(listener, address, dropAfter, baud, log, time);
    }

    public int Read(Span<byte> buffer)
    {
        while (true)
        {
            Client client;
            lock (_gate)
            {
                while (_client is null && !_stopping) Monitor.Wait(_gate);
                if (_stopping) return 0;
                client = _client!;
            }
            int n;
            try
            {
                n = client.Socket.Receive(buffer);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                n = 0;
            }
            if (n == 0)
            {
                Detach(client, "disconnected");
                continue;
            }
            if (client.Telnet is { } telnet) n = telnet.Receive(buffer[..n]);
            if (n > 0) return n;
        }
    }

    /// <summary>Sends to the client without waiting long; with none (or one that takes nothing) the bytes are lost, as on a UART.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            if (_client is not { } client || !client.TrySend(bytes, escape: true)) Interlocked.Add(ref _discarded, bytes.Length);
        }
    }

    public void Interrupt()
    {
        lock (_gate)
        {
            _stopping = true;
            _client?.HangUp();
            Monitor.PulseAll(_gate);
        }
        _stop.Cancel();
    }

    public void Dispose()
    {
        Interrupt();
        try
        {
            _accepting.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        _listener.Dispose();
        lock (_gate) _client?.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested) return;
                continue;
            }
            Take(socket);
        }
    }

    private void Take(Socket socket)
    {
        socket.NoDelay = true; // paced bytes leave when the UART sends them, not when Nagle likes
        socket.SendTimeout = (int)SendTimeout.TotalMilliseconds;
        var remote = socket.RemoteEndPoint?.ToString() ?? "?";
        lock (_gate)
        {
            if (_client is not null || _stopping)
            {
                _log.Line($"refused client {remote}: the mote already has one");
                try
                {
                    socket.Send("Port already in use\r\n"u8);
                }
                catch (SocketException)
                {
                }
                socket.Dispose();
                return;
            }
            var client = new Client(socket, remote);
            if (_address.Telnet) client.Telnet = new ComPortServer(bytes => Send(client, bytes), _log, _baud);
            _client = client;
            _log.Line($"client {remote} connected to {_address.ToString(Port)}");
            client.Telnet?.Start();
            if (_dropAfter is { } after) client.DropTimer = _time.CreateTimer(_ => Drop(client, after), null, after, Timeout.InfiniteTimeSpan);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Telnet answers, as they are.</summary>
    private void Send(Client client, byte[] bytes)
    {
        lock (_gate)
        {
            if (_client == client) client.TrySend(bytes, escape: false);
        }
    }

    private void Drop(Client client, TimeSpan after)
    {
        lock (_gate)
        {
            if (_client != client || client.Dropped) return;
            client.Dropped = true;
            _log.Line($"dropped client {client.Remote} after {after.TotalSeconds:0.###} s (--drop-after)");
            client.HangUp();
            _client = null; // the next client is welcome at once, before the reader has noticed
        }
    }

    /// <summary>The reader found <paramref name="client"/> gone (or dropped, or stopping): it is forgotten and closed.</summary>
    private void Detach(Client client, string why)
    {
        lock (_gate)
        {
            if (_client == client)
            {
                _client = null;
                if (!_stopping) _log.Line($"client {client.Remote} {why}");
            }
            client.Dispose();
        }
    }

    private sealed class Client(Socket socket, string remote) : IDisposable
    {
        private byte[] _escaped = new byte[4096];

        public Socket Socket { get; } = socket;

        public string Remote { get; } = remote;

        public ComPortServer? Telnet { get; set; }

        public ITimer? DropTimer { get; set; }

        public bool Dropped { get; set; }

        /// <summary>False when the client takes nothing now (its window is full) or has gone.</summary>
        public bool TrySend(ReadOnlySpan<byte> bytes, bool escape)
        {
            if (escape && Telnet is not null)
            {
                if (_escaped.Length < TelnetEncoder.MaxEscapedLength(bytes.Length)) _escaped = new byte[TelnetEncoder.MaxEscapedLength(bytes.Length)];
                bytes = _escaped.AsSpan(0, TelnetEncoder.Escape(bytes, _escaped));
            }
            try
            {
                if (!Socket.Poll(0, SelectMode.SelectWrite)) return false;
                while (!bytes.IsEmpty) bytes = bytes[Socket.Send(bytes)..];
                return true;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return false;
            }
        }

        /// <summary>Closes the connection (a FIN): the client sees the end, and a blocked read here returns.</summary>
        public void HangUp()
        {
            try
            {
                Socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }

        public void Dispose()
        {
            DropTimer?.Dispose();
            Socket.Dispose();
        }
    }
}
