using System.Net.Sockets;
using Agent.Framing.Telnet;

namespace Agent.Connectors.Serial.Line;

/// <summary>One connected socket of a <see cref="TcpLine"/>: how its bytes are written, and how it is tuned.</summary>
internal sealed class TcpConnection : IDisposable
{
    private readonly Socket _socket;
    private byte[] _escaped = new byte[4096];

    public TcpConnection(Socket socket, TimeSpan writeTimeout)
    {
        _socket = socket;
        _socket.SendTimeout = (int)writeTimeout.TotalMilliseconds;
    }

    /// <summary>Small frames go at once (no Nagle delay), and a peer that vanished without a word is found within a minute.</summary>
    public static void Tune(Socket socket)
    {
        socket.NoDelay = true;
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 15);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 5);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 6);
    }

    /// <summary>Whether the mote's bytes are telnet-escaped on the way (rfc2217://).</summary>
    public bool Telnet { get; init; }

    /// <summary>Writes the mote's bytes, IAC doubled on a telnet connection. Only under the line's write lock.</summary>
    /// <exception cref="SocketException">Timed out (nothing taken for the write timeout) or the connection failed.</exception>
    public void SendData(ReadOnlySpan<byte> bytes)
    {
        if (!Telnet)
        {
            SendRaw(bytes);
            return;
        }
        var needed = TelnetEncoder.MaxEscapedLength(bytes.Length);
        if (_escaped.Length < needed) _escaped = new byte[needed];
        SendRaw(_escaped.AsSpan(0, TelnetEncoder.Escape(bytes, _escaped)));
    }

    /// <summary>Writes bytes as they are. Only under the line's write lock.</summary>
    public void SendRaw(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty) bytes = bytes[_socket.Send(bytes)..];
    }

    public void Dispose() => _socket.Dispose();
}
