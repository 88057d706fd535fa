using System.Net;
using static FirmwareSim.Tests.TestPackets;

namespace FirmwareSim.Tests;

/// <summary>The real executable on a real pseudo-terminal, driven through System.IO.Ports as the agent does.</summary>
public class EndToEndTests
{
    // Generous: starting a process and its first frames can take seconds on a busy machine.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly byte[] PrefixBbbb = [0xBB, 0xBB, 0, 0, 0, 0, 0, 0];

    private static bool IsEchoReply6(byte[] frame) => frame.Length >= 48 && frame[0] >> 4 == 6 && frame[6] == 58 && frame[40] == 129;

    internal static async Task<byte[]> PingAsync(SerialLink link, IPAddress destination, ushort sequence)
    {
        var request = EchoRequest6(Host6, destination, 0x5151, sequence, [.. "firmware-sim"u8, 0xC0, 0xDB, 0x7E, 0x7D, 0x0D, 0x0A, 0x11, 0x13, 0xFF]);
        await link.SendAsync(request);
        var reply = await link.ReceiveAsync(f => IsEchoReply6(f) && Word(f, 46) == sequence, Timeout);
        Assert.Equal(destination, Source6(reply));
        Assert.Equal(Host6, Destination6(reply));
        Assert.Equal(0, Verify6(reply));
        Assert.Equal(request[44..], reply[44..]);
        return reply;
    }

    [Fact]
    public async Task Slip_mote_learns_its_prefix_and_answers_ping_and_udp_echo()
    {
        using var mote = new MoteProcess("--framing", "slip", "--payload", "ip", "--mac", "14:15:92:cc:00:00:00:05", "--text-every", "0");
        var banner = await mote.WaitForLineAsync("mote on /dev/pts/", Timeout);
        Assert.Contains($"(link {mote.Link}), slip, ip, 115200 baud", banner);
        Assert.StartsWith("/dev/pts/", new FileInfo(mote.Link).LinkTarget);

        using (var link = new SerialLink(mote.Link, FramingKind.Slip))
        {
            await link.ReceiveAsync(f => f.AsSpan().SequenceEqual("?P"u8), Timeout);
            await link.SendAsync([(byte)'!', (byte)'P', .. PrefixBbbb]);
            await mote.WaitForLineAsync("address bbbb::1615:92cc:0:5", Timeout);

            await PingAsync(link, IPAddress.Parse("bbbb::1615:92cc:0:5"), 1);
            await PingAsync(link, IPAddress.Parse("fe80::1615:92cc:0:5"), 2);

            await link.SendAsync(Udp6(Host6, IPAddress.Parse("bbbb::1615:92cc:0:5"), 33333, 7, "echo me"u8.ToArray()));
            var udp = await link.ReceiveAsync(f => f.Length > 40 && f[0] >> 4 == 6 && f[6] == 17, Timeout);
            Assert.Equal(33333, Word(udp, 42));
            Assert.Equal(0, Verify6(udp));
            Assert.Equal("echo me"u8.ToArray(), udp[48..]);
        }

        mote.Terminate();
        Assert.True(mote.Process.WaitForExit(Timeout), mote.Output);
        Assert.Equal(0, mote.Process.ExitCode);
        Assert.False(Path.Exists(mote.Link));
    }

    [Fact]
    public async Task After_unplug_and_replug_the_link_points_at_a_new_device_where_the_mote_answers()
    {
        using var mote = new MoteProcess("--framing", "hdlc", "--address", "bbbb::3", "--unplug-after", "1", "--replug-after", "0.5");
        var first = (await mote.WaitForLineAsync("mote on /dev/pts/", Timeout)).Split(' ')[3];
        Assert.Equal(first, new FileInfo(mote.Link).LinkTarget);

        using var before = new SerialLink(mote.Link, FramingKind.Hdlc);
        await PingAsync(before, IPAddress.Parse("bbbb::3"), 1);

        await mote.WaitForLineAsync("unplugged", Timeout);
        Assert.True(await before.FailsWithinAsync(Timeout), "reads from the unplugged device did not fail");

        var second = (await mote.WaitForLineAsync("replugged: mote on /dev/pts/", Timeout)).Split(' ')[4];
        Assert.NotEqual(first, second);
        Assert.Equal(second, new FileInfo(mote.Link).LinkTarget);

        using var after = new SerialLink(mote.Link, FramingKind.Hdlc);
        await PingAsync(after, IPAddress.Parse("bbbb::3"), 2);
        await PingAsync(after, IPAddress.Parse("fe80::3"), 3);
    }

    [Fact]
    public async Task Ieee802154_mote_answers_a_ping_in_a_data_frame()
    {
        using var mote = new MoteProcess("--framing", "slip", "--payload", "802154", "--mac", "14:15:92:cc:00:00:00:03", "--baud", "1000000");
        await mote.WaitForLineAsync("mote on /dev/pts/", Timeout);
        using var link = new SerialLink(mote.Link, FramingKind.Slip);
        byte[] peer = [0x9C, 0xED, 0x33, 0x04, 0x00, 0x4B, 0x12, 0x00];
        var request = EchoRequest6(IPAddress.Parse("fe80::212:4b00:433:ed9c"), IPAddress.Parse("fe80::1615:92cc:0:3"), 7, 7, [0xC0, 0xDB]);

        await link.SendAsync([0x41, 0xD8, 0x10, 0xCD, 0xAB, 0xFF, 0xFF, .. peer, 0x41, .. request]);
        var reply = await link.ReceiveAsync(_ => true, Timeout);

        Assert.Equal(new byte[] { 0x41, 0xDC, 0x11, 0xCD, 0xAB }, reply[..5]);
        Assert.Equal(peer, reply[5..13]);
        Assert.Equal(new byte[] { 0x03, 0, 0, 0, 0xCC, 0x92, 0x15, 0x14 }, reply[13..21]);
        Assert.Equal(0x41, reply[21]);
        Assert.Equal(129, reply[22 + 40]);
        Assert.Equal(0, Verify6(reply[22..]));
    }
}
