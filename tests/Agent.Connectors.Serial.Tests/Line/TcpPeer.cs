using System.Net;
using System.Net.Sockets;

namespace Agent.Connectors.Serial.Tests.Line;

/// <summary>
/// The far end of a TCP line for tests (a testbed's serial port, ser2net): listens on a loopback port the kernel picks,
/// takes one client at a time, reads what it sends in the background, sends and hangs up when told.
/// </summary>
internal sealed class TcpPeer : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<byte> _received = [];
    private Socket? _client;
    private Task _reading = Task.CompletedTask;

    public TcpPeer() => _listener.Start();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Address => $"tcp://127.0.0.1:{Port}";

    /// <summary>Everything the current client has sent so far.</summary>
    public byte[] Received
    {
        get
        {
            lock (_received) return [.. _received];
        }
    }

    /// <summary>A loopback port on which nothing listens (bound and closed again at once).</summary>
    public static int UnusedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Waits for the line to connect, forgetting what an earlier client sent.</summary>
    public async Task AcceptAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        _client = await _listener.AcceptSocketAsync(timeout.Token);
        lock (_received) _received.Clear();
        var client = _client;
        _reading = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            try
            {
                int n;
                while ((n = await client.ReceiveAsync(buffer)) > 0)
                    lock (_received) _received.AddRange(buffer.AsSpan(0, n).ToArray());
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        });
    }

    public async Task SendAsync(byte[] bytes) => await _client!.SendAsync(bytes);

    /// <summary>Waits until the client has sent at least <paramref name="count"/> bytes; returns them all.</summary>
    public async Task<byte[]> ReceiveAsync(int count)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (Received.Length < count && DateTime.UtcNow < deadline) await Task.Delay(10);
        var received = Received;
        Assert.True(received.Length >= count, $"got {received.Length} bytes, not {count}: {Convert.ToHexStringLower(received)}");
        return received;
    }

    /// <summary>Closes the client's connection, as a testbed or ser2net does.</summary>
    public async Task HangUpAsync()
    {
        if (_client is not { } client) return;
        try
        {
            client.Shutdown(SocketShutdown.Both); // a FIN, and the pending read ends
        }
        catch (SocketException)
        {
        }
        await _reading;
        client.Dispose();
        _client = null;
    }

    public async ValueTask DisposeAsync()
    {
        await HangUpAsync();
        _listener.Stop();
    }
}
