using FirmwareSim.Pty;
using Microsoft.Extensions.Time.Testing;

namespace FirmwareSim.Tests;

public class PseudoTerminalTests
{
    [Fact]
    public void A_pseudo_terminal_passes_every_byte_untranslated()
    {
        using var pty = PseudoTerminal.Open(TimeProvider.System);
        Assert.StartsWith("/dev/pts/", pty.DevicePath);
        using var device = new FileStream(pty.DevicePath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 0);
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

        pty.Write(all);
        var received = new byte[256];
        device.ReadExactly(received);
        Assert.Equal(all, received);

        device.Write(all);
        var back = new List<byte>();
        var buffer = new byte[512];
        while (back.Count < 256) back.AddRange(buffer.AsSpan(0, pty.Read(buffer)));
        Assert.Equal(all, back);
    }

    [Fact]
    public void Bytes_nobody_reads_for_a_second_are_dropped_and_the_rest_are_not()
    {
        var time = new FakeTimeProvider();
        using var pty = PseudoTerminal.Open(time);
        // The kernel moves written bytes to the slave's queue a moment later: give it real time too.
        pty.Write("old"u8);
        Thread.Sleep(50);
        time.Advance(TimeSpan.FromSeconds(0.5));
        pty.Write("er"u8);
        Thread.Sleep(50);
        Assert.Equal(0, pty.DiscardedBytes);
        time.Advance(TimeSpan.FromSeconds(0.6));
        pty.Write("new"u8);
        Assert.Equal(5, pty.DiscardedBytes);

        using var device = new FileStream(pty.DevicePath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 0);
        var buffer = new byte[16];
        Assert.Equal("new"u8.ToArray(), buffer[..device.Read(buffer)]);

        // Someone reading: nothing is dropped however long the mote stays quiet.
        time.Advance(TimeSpan.FromSeconds(10));
        pty.Write("more"u8);
        Assert.Equal(5, pty.DiscardedBytes);
        device.ReadExactly(buffer.AsSpan(0, 4));
        Assert.Equal("more"u8.ToArray(), buffer[..4]);
    }
}
