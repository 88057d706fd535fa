using System.Runtime.InteropServices;
using System.Text;
using FirmwareSim.Uart;

namespace FirmwareSim.Pty;

/// <summary>
/// A Linux pseudo-terminal made with openpty(): the mote's end is the master, the agent opens the slave
/// (/dev/pts/N). The slave is put in raw mode so that no byte is translated or echoed, and kept open here too,
/// so that the master does not see a hang-up between two opens by the agent.
/// </summary>
public sealed unsafe class PseudoTerminal : IUartPort, IDisposable
{
    /// <summary>Bytes left unread this long are thrown away: nobody has the port open.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(1);

    private readonly int _master;
    private readonly int _slave;
    private readonly int _wake; // an eventfd that wakes a blocked Read
    private readonly TimeProvider _time;
    private long _discarded;
    private int _disposed;
    private int _unread; // bytes the agent had not read at the last write
    private long _draining; // when the agent was last seen reading (or the queue was empty)

    private PseudoTerminal(int master, int slave, int wake, string devicePath, TimeProvider time)
    {
        _master = master;
        _slave = slave;
        _wake = wake;
        DevicePath = devicePath;
        _time = time;
        _draining = time.GetTimestamp();
    }

    /// <summary>The slave's device, e.g. /dev/pts/5: what the agent opens.</summary>
    public string DevicePath { get; }

    /// <summary>Bytes written while nobody read the slave, thrown away as a UART receiver would overrun.</summary>
    public long DiscardedBytes => Interlocked.Read(ref _discarded);

    public static PseudoTerminal Open(TimeProvider time)
    {
        if (Libc.OpenPty(out var master, out var slave) != 0)
            throw new PtyException($"cannot create a pseudo-terminal: openpty failed: {Libc.LastError()} (is /dev/pts mounted?)");
        var wake = -1;
        try
        {
            SetCloseOnExec(master);
            SetCloseOnExec(slave);
            MakeRaw(slave);
            // Writes never block: a UART sends whether or not anybody listens.
            var flags = Agent.Posix.LibC.Fcntl(master, Agent.Posix.LibC.F_GETFL, 0);
            if (flags < 0 || Agent.Posix.LibC.Fcntl(master, Agent.Posix.LibC.F_SETFL, flags | Agent.Posix.LibC.O_NONBLOCK) < 0)
                throw new PtyException($"cannot make the pseudo-terminal non-blocking: {Libc.LastError()}");
            wake = Agent.Posix.LibC.EventFd(0, Agent.Posix.LibC.EFD_CLOEXEC | Agent.Posix.LibC.EFD_NONBLOCK);
            if (wake < 0) throw new PtyException($"eventfd failed: {Libc.LastError()}");
            return new PseudoTerminal(master, slave, wake, SlaveName(slave), time);
        }
        catch
        {
            Agent.Posix.LibC.Close(master);
            Agent.Posix.LibC.Close(slave);
            if (wake >= 0) Agent.Posix.LibC.Close(wake);
            throw;
        }
    }

    /// <summary>
    /// Blocks until bytes arrive from the agent and returns how many were read into <paramref name="buffer"/>;
    /// returns 0 once <see cref="Interrupt"/> was called.
    /// </summary>
    public int Read(Span<byte> buffer)
    {
        var fds = stackalloc Agent.Posix.LibC.PollFd[2];
        while (Volatile.Read(ref _disposed) == 0)
        {
            fds[0] = new Agent.Posix.LibC.PollFd { Fd = _master, Events = Agent.Posix.LibC.POLLIN };
            fds[1] = new Agent.Posix.LibC.PollFd { Fd = _wake, Events = Agent.Posix.LibC.POLLIN };
            if (Agent.Posix.LibC.Poll(fds, 2, -1) < 0)
            {
                if (Marshal.GetLastPInvokeError() == Agent.Posix.LibC.EINTR) continue;
                throw new PtyException($"poll on the pseudo-terminal failed: {Libc.LastError()}");
            }
            if (fds[1].Revents != 0) return 0;
            if ((fds[0].Revents & Agent.Posix.LibC.POLLNVAL) != 0) return 0;
            if (fds[0].Revents == 0) continue;
            fixed (byte* p = buffer)
            {
                var n = Agent.Posix.LibC.Read(_master, p, (nuint)buffer.Length);
                if (n > 0) return (int)n;
                if (n == 0) return 0;
                var errno = Marshal.GetLastPInvokeError();
                if (errno is Agent.Posix.LibC.EAGAIN or Agent.Posix.LibC.EINTR) continue;
                // EIO: no slave end any more; cannot happen while we hold one, but means "unplugged" if it does.
                if (errno == Agent.Posix.LibC.EIO) return 0;
                throw new PtyException($"read from the pseudo-terminal failed: {Libc.LastError()}");
            }
        }
        return 0;
    }

    /// <summary>Wakes a blocked <see cref="Read"/>, which then returns 0 (and keeps doing so).</summary>
    public void Interrupt()
    {
        ulong one = 1;
        Agent.Posix.LibC.Write(_wake, (byte*)&one, sizeof(ulong));
    }

    /// <summary>
    /// Writes towards the agent without blocking. Because this process holds the slave open, what the mote sends
    /// while the agent has the port closed would wait in the slave's input queue, and the agent would read minutes
    /// of old frames on open; a real serial port drops them. So bytes left unread for <see cref="StaleAfter"/>, or
    /// a full queue, are flushed (and counted in <see cref="DiscardedBytes"/>).
    /// </summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        DropStaleInput();
        var flushed = false;
        fixed (byte* p = bytes)
        {
            var offset = 0;
            while (offset < bytes.Length && Volatile.Read(ref _disposed) == 0)
            {
                var n = Agent.Posix.LibC.Write(_master, p + offset, (nuint)(bytes.Length - offset));
                if (n > 0)
                {
                    offset += (int)n;
                    continue;
                }
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Agent.Posix.LibC.EINTR) continue;
                if (errno == Agent.Posix.LibC.EAGAIN && !flushed)
                {
                    flushed = true;
                    FlushInput();
                    continue;
                }
                Interlocked.Add(ref _discarded, bytes.Length - offset);
                return;
            }
        }
    }

    // An agent that has the port open drains the queue within milliseconds; a queue that has not shrunk for a
    // second is read by nobody.
    private void DropStaleInput()
    {
        if (Libc.Ioctl(_slave, Libc.TIOCINQ, out var unread) != 0) return;
        var now = _time.GetTimestamp();
        if (unread == 0 || unread < _unread) _draining = now;
        _unread = unread;
        if (unread > 0 && _time.GetElapsedTime(_draining, now) > StaleAfter)
        {
            FlushInput();
            _draining = now;
        }
    }

    private void FlushInput()
    {
        if (Libc.Ioctl(_slave, Libc.TIOCINQ, out var unread) == 0) Interlocked.Add(ref _discarded, unread);
        Libc.TcFlush(_slave, Libc.TCIFLUSH);
        _unread = 0;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Agent.Posix.LibC.Close(_master);
        Agent.Posix.LibC.Close(_slave);
        Agent.Posix.LibC.Close(_wake);
    }

    private static void SetCloseOnExec(int fd)
    {
        if (Agent.Posix.LibC.Fcntl(fd, Libc.F_SETFD, Libc.FD_CLOEXEC) < 0)
            throw new PtyException($"fcntl(FD_CLOEXEC) failed: {Libc.LastError()}");
    }

    private static void MakeRaw(int fd)
    {
        var termios = stackalloc byte[Libc.TermiosBufferSize];
        if (Libc.TcGetAttr(fd, termios) != 0) throw new PtyException($"tcgetattr on the pseudo-terminal failed: {Libc.LastError()}");
        Libc.CfMakeRaw(termios);
        if (Libc.TcSetAttr(fd, Libc.TCSANOW, termios) != 0) throw new PtyException($"tcsetattr on the pseudo-terminal failed: {Libc.LastError()}");
    }

    private static string SlaveName(int fd)
    {
        var buffer = stackalloc byte[256];
        var error = Libc.TtyNameR(fd, buffer, 256);
        if (error != 0) throw new PtyException($"ttyname_r on the pseudo-terminal failed: {Marshal.GetPInvokeErrorMessage(error)}");
        var name = new ReadOnlySpan<byte>(buffer, 256);
        return Encoding.UTF8.GetString(name[..name.IndexOf((byte)0)]);
    }
}
