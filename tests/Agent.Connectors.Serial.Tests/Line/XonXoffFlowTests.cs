using Agent.Connectors.Serial.Line;
using Agent.Posix;

namespace Agent.Connectors.Serial.Tests.Line;

/// <summary>
/// With <c>--flow xonxoff</c> the kernel holds our output between the mote's XOFF and XON (termios IXON), as OpenWSN
/// motes need: their UART drops bytes that arrive during a radio slot (OPENWSN.md A).
/// </summary>
public sealed class XonXoffFlowTests
{
    [Fact]
    public async Task Nothing_of_ours_reaches_the_mote_while_it_holds_XOFF()
    {
        using var pty = PseudoTerminalPair.Open();
        using var device = SerialDevice.Open(pty.SlavePath, 115200, Termios.Flow.XonXoff);
        pty.Write(0x13); // XOFF
        await Task.Delay(50);

        var frame = Enumerable.Range(0, 64).Select(i => (byte)(0x20 + i)).ToArray();
        var writing = Task.Run(() => device.Write(frame, TimeSpan.FromSeconds(5)));
        var early = pty.ReadFor(TimeSpan.FromMilliseconds(20)); // grace
        var duringXoff = pty.ReadFor(TimeSpan.FromMilliseconds(300));
        Assert.Empty(duringXoff);

        pty.Write(0x11); // XON
        var afterXon = pty.ReadFor(TimeSpan.FromMilliseconds(500));
        Assert.True(await writing);
        Assert.Equal(frame, early.Concat(duringXoff).Concat(afterXon).ToArray());
        Assert.Empty(early);
    }

    [Fact]
    public void Without_flow_control_the_same_bytes_go_out_at_once()
    {
        using var pty = PseudoTerminalPair.Open();
        using var device = SerialDevice.Open(pty.SlavePath, 115200, Termios.Flow.None);
        pty.Write(0x13);
        Assert.True(device.Write([1, 2, 3], TimeSpan.FromSeconds(1)));
        Assert.Equal(new byte[] { 1, 2, 3 }, pty.ReadFor(TimeSpan.FromMilliseconds(200)));
    }
}
