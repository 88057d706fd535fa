using FirmwareSim.Uart;

namespace FirmwareSim.Pty;

/// <summary>A fresh pseudo-terminal with the link pointing at it: the mote plugged in on a USB port, as the agent sees it.</summary>
public sealed class LinkedPseudoTerminal : IMotePort
{
    private readonly PseudoTerminal _pty;
    private readonly DeviceLink _link;

    private LinkedPseudoTerminal(PseudoTerminal pty, DeviceLink link)
    {
        _pty = pty;
        _link = link;
    }

    public string DevicePath => _pty.DevicePath;

    public string Description => $"{_pty.DevicePath} (link {_link.Path})";

    public long DiscardedBytes => _pty.DiscardedBytes;

    /// <summary>Makes the pseudo-terminal and points <paramref name="link"/> at it.</summary>
    /// <exception cref="PtyException">Either could not be made; the message says what to do.</exception>
    public static LinkedPseudoTerminal Open(DeviceLink link, TimeProvider time)
    {
        var pty = PseudoTerminal.Open(time);
        try
        {
            link.PointAt(pty.DevicePath);
            return new LinkedPseudoTerminal(pty, link);
        }
        catch
        {
            link.Remove(pty.DevicePath);
            pty.Dispose();
            throw;
        }
    }

    public int Read(Span<byte> buffer) => _pty.Read(buffer);

    public void Write(ReadOnlySpan<byte> bytes) => _pty.Write(bytes);

    public void Interrupt() => _pty.Interrupt();

    /// <summary>Unplugs: the link goes first, then both ends of the pseudo-terminal close (the agent's reads fail).</summary>
    public void Dispose()
    {
        _link.Remove(_pty.DevicePath);
        _pty.Dispose();
    }
}
