using System.Net;
using System.Net.Sockets;

namespace Agent.IntegrationTests;

/// <summary>
/// TCP ports for the motes that tests serve (firmware-sim --listen, ser2net): 26000-26999, a block of 25 chosen by
/// the process id so that two test runs do not meet, and within it the next one nobody listens on. The tests of one
/// collection run one after another, so each test class may have its own.
/// </summary>
public sealed class TestPorts
{
    private const int First = 26000;
    private const int BlockSize = 25;
    private int _next = -1; // counts up: no port is handed out twice by one instance

    public int Next()
    {
        var block = First + Environment.ProcessId % (1000 / BlockSize) * BlockSize;
        for (var i = 0; i < BlockSize; i++)
        {
            var port = block + Interlocked.Increment(ref _next) % BlockSize;
            if (IsFree(port)) return port;
        }
        throw new InvalidOperationException($"no free TCP port in {block}-{block + BlockSize - 1}");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
