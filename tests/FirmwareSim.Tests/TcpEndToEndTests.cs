using System.Net;
using System.Net.Sockets;
using Agent.Framing.Telnet;
using static FirmwareSim.Tests.EndToEndTests;

namespace FirmwareSim.Tests;

/// <summary>The real executable serving its mote over TCP (--listen), as a testbed serves a node's UART.</summary>
public class TcpEndToEndTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static async Task<NetworkStream> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        return client.GetStream(); // owns the socket
    }

    [Fact]
    public async Task The_mote_answers_a_ping_over_tcp_and_a_second_client_is_told_the_port_is_in_use()
    {
        using var mote = MoteProcess.Serving("--listen", "tcp://127.0.0.1:0", "--framing", "hdlc", "--address", "bbbb::3", "--text-every", "0");
        var port = await mote.WaitForPortAsync(Timeout);
        using var link = new SerialLink(await ConnectAsync(port), FramingKind.Hdlc);
        await mote.WaitForLineAsync("connected to tcp://127.0.0.1:", Timeout);
        await PingAsync(link, IPAddress.Parse("bbbb::3"), 1);

        await using var second = await ConnectAsync(port);
        var said = new MemoryStream();
        await second.CopyToAsync(said).WaitAsync(Timeout); // until the server hangs up
        Assert.Equal("Port already in use\r\n", System.Text.Encoding.ASCII.GetString(said.ToArray()));
        await PingAsync(link, IPAddress.Parse("fe80::3"), 2);
    }

    [Fact]
    public async Task With_drop_after_each_connection_is_closed_and_the_next_client_finds_the_same_mote()
    {
        using var mote = MoteProcess.Serving("--listen", "tcp://127.0.0.1:0", "--framing", "slip", "--mac", "14:15:92:cc:00:00:00:05",
            "--text-every", "0", "--drop-after", "1.5");
        var port = await mote.WaitForPortAsync(Timeout);
        using (var first = new SerialLink(await ConnectAsync(port), FramingKind.Slip))
        {
            await first.ReceiveAsync(f => f.AsSpan().SequenceEqual("?P"u8), Timeout);
            await first.SendAsync([(byte)'!', (byte)'P', 0xBB, 0xBB, 0, 0, 0, 0, 0, 0]);
            await PingAsync(first, IPAddress.Parse("bbbb::1615:92cc:0:5"), 1);
            Assert.True(await first.FailsWithinAsync(Timeout), "the connection was not dropped");
            await mote.WaitForLineAsync("after 1.5 s (--drop-after)", Timeout);
        }
        using var second = new SerialLink(await ConnectAsync(port), FramingKind.Slip);
        await PingAsync(second, IPAddress.Parse("bbbb::1615:92cc:0:5"), 2); // the prefix learnt before: the mote did not reboot
        Assert.True(await second.FailsWithinAsync(Timeout), "the second connection was not dropped");
    }

    [Fact]
    public async Task Over_rfc2217_it_negotiates_as_ser2net_answers_settings_and_escapes_iac_both_ways()
    {
        using var mote = MoteProcess.Serving("--listen", "rfc2217://127.0.0.1:0", "--framing", "slip", "--address", "bbbb::3", "--text-every", "0");
        var port = await mote.WaitForPortAsync(Timeout);
        var telnet = new TelnetStream(await ConnectAsync(port));
        using var link = new SerialLink(telnet, FramingKind.Slip);

        // A ping carrying 0xFF (doubled on the wire both ways) before any negotiation: the data flows from the start.
        var reply = await PingAsync(link, IPAddress.Parse("bbbb::3"), 1);
        Assert.Contains((byte)0xFF, reply);
        lock (telnet.Commands) Assert.Equal(["WILL 0", "WILL 3", "DO 0", "DO 3", "DO 44"], telnet.Commands);

        await telnet.SendCommandAsync([.. TelnetEncoder.Negotiation(TelnetCodes.Will, TelnetCodes.ComPortOption),
            .. TelnetEncoder.Subnegotiation(TelnetCodes.ComPortOption, [1, 0, 0, 0xE1, 0]),    // SET-BAUDRATE 57600
            .. TelnetEncoder.Subnegotiation(TelnetCodes.ComPortOption, [5, 2]),                // SET-CONTROL XON/XOFF
            .. TelnetEncoder.Subnegotiation(TelnetCodes.ComPortOption, [5, 8]),                // DTR on: no answer, as from ser2net on a pty
            .. TelnetEncoder.Subnegotiation(TelnetCodes.ComPortOption, [0])]);                 // SIGNATURE
        await PingAsync(link, IPAddress.Parse("bbbb::3"), 2); // reads on, collecting the answers
        await mote.WaitForLineAsync("rfc2217: the host set 57600 baud", Timeout);
        lock (telnet.Commands)
            Assert.Equal(["SB 44 650000e100", "SB 44 6902", "SB 44 64" + Convert.ToHexStringLower("firmware-sim"u8)], telnet.Commands[5..]);
    }
}
