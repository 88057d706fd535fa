using Agent.Connectors.Serial.Line;
using Agent.Posix;

namespace Agent.Connectors.Serial.Tests.Line;

/// <summary>
/// With <c>--flow xonxoff</c> the kernel holds our output between the mote's XOFF and XON (termios IXON), as OpenWSN
/// motes need: their UART drops bytes that arrive during a radio slot (OPENWSN.md A).
/// </summary>
/// <remarks>
/// Robust to a busy machine: nothing waits a fixed time for something to happen. The kernel takes the mote's bytes in on
/// a work queue of its own, so the test waits until a marker sent after XOFF reached us (then the XOFF is in force), and
/// waits for the bytes after XON as long as it takes.
/// </remarks>
public sealed class XonXoffFlowTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Sends <paramref name="control"/> and a marker after it; returns what we read up to the marker, once it came through
    /// (the kernel took the control byte in before it).
    /// </summary>
    private static async Task<byte[]> SendAndSettleAsync(PseudoTerminalPair pty, SerialDevice device, byte control)
    {
        const byte marker = (byte)'M';
        pty.Write(control, marker);
        var received = new List<byte>();
        var buffer = new byte[16];
        while (!received.Contains(marker))
        {
            var n = await Task.Run(() => device.Read(buffer)).WaitAsync(Bound);
            received.AddRange(buffer.AsSpan(0, n).ToArray());
        }
        return [.. received];
    }

    [Fact]
    public async Task Nothing_of_ours_reaches_the_mote_while_it_holds_XOFF()
    {
        using var pty = PseudoTerminalPair.Open();
        using var device = SerialDevice.Open(pty.SlavePath, 115200, Termios.Flow.XonXoff);
        Assert.Equal("M"u8.ToArray(), await SendAndSettleAsync(pty, device, 0x13)); // the XOFF is the kernel's, not ours to read

        var frame = Enumerable.Range(0, 64).Select(i => (byte)(0x20 + i)).ToArray();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously); // the test goes on beside the write
        var writing = Task.Run(() =>
        {
            started.SetResult();
            return device.Write(frame, Bound);
        });
        await started.Task.WaitAsync(Bound);
        // Without flow control the bytes would be here within microseconds of the write; held, none come.
        Assert.Empty(pty.ReadFor(TimeSpan.FromMilliseconds(300)));
        Assert.False(writing.IsCompleted, "the write finished while the mote held XOFF");

        pty.Write(0x11); // XON
        Assert.Equal(frame, pty.ReadUntil(frame.Length, Bound));
        Assert.True(await writing.WaitAsync(Bound));
    }

    [Fact]
    public async Task Without_flow_control_the_same_bytes_go_out_at_once()
    {
        using var pty = PseudoTerminalPair.Open();
        using var device = SerialDevice.Open(pty.SlavePath, 115200, Termios.Flow.None);
        Assert.Equal([0x13, (byte)'M'], await SendAndSettleAsync(pty, device, 0x13)); // without IXON, an XOFF is a byte like any
        Assert.True(device.Write([1, 2, 3], Bound));
        Assert.Equal(new byte[] { 1, 2, 3 }, pty.ReadUntil(3, Bound));
    }
}
