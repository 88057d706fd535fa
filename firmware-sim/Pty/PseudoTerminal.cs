using System.Runtime.InteropServices;
using System.Text;
using Agent.Posix;
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

    private readonly PollableFile _master; // polled beside an eventfd that Interrupt signals
    private readonly FileDescriptor _slave;
    private readonly TimeProvider _time;
    private long _discarded;
    private int _unread; // bytes the agent had not read at the last write
    private long _draining; // when the agent was last seen reading (or the queue was empty)

    private PseudoTerminal(PollableFile master, FileDescriptor slave, string devicePath, TimeProvider time)
    {
        _master = master;
        _slave = slave;
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
        if (Libc.OpenPty(out var masterFd, out var slaveFd) != 0)
            throw new PtyException($"cannot create a pseudo-terminal: openpty failed: {Libc.LastError()} (is /dev/pts mounted?)");
        var master = new FileDescriptor(masterFd);
        var slave = new FileDescriptor(slaveFd);
        try
        {
            SetCloseOnExec(masterFd);
            SetCloseOnExec(slaveFd);
            var name = SlaveName(slaveFd);
            Termios.MakeRaw(slaveFd, name);
            // Non-blocking: a UART sends whether or not anybody listens.
            return new PseudoTerminal(PollableFile.Wrap(master, name), slave, name, time);
        }
        catch (Exception e) when (e is not PtyException)
        {
            slave.Dispose();
            master.Dispose();
            throw new PtyException($"cannot set up the pseudo-terminal: {e.Message}");
        }
        catch
        {
            slave.Dispose();
            master.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Blocks until bytes arrive from the agent and returns how many were read into <paramref name="buffer"/>;
    /// returns 0 once <see cref="Interrupt"/> was called.
    /// </summary>
    public int Read(Span<byte> buffer)
    {
        try
        {
            return _master.Read(buffer);
        }
        catch (IOException e)
        {
            throw new PtyException(e.Message);
        }
    }

    /// <summary>Wakes a blocked <see cref="Read"/>, which then returns 0 (and keeps doing so).</summary>
    public void Interrupt() => _master.Interrupt();

    /// <summary>
    /// Writes towards the agent without blocking. Because this process holds the slave open, what the mote sends
    /// while the agent has the port closed would wait in the slave's input queue, and the agent would read minutes
    /// of old frames on open; a real serial port drops them. So bytes left unread for <see cref="StaleAfter"/>, or
    /// a full queue, are flushed (and counted in <see cref="DiscardedBytes"/>).
    /// </summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        try
        {
            DropStaleInput();
            var written = _master.WriteAvailable(bytes);
            if (written < bytes.Length)
            {
                FlushInput();
                written += _master.WriteAvailable(bytes[written..]);
            }
            Interlocked.Add(ref _discarded, bytes.Length - written);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            Interlocked.Add(ref _discarded, bytes.Length);
        }
    }

    // An agent that has the port open drains the queue within milliseconds; a queue that has not shrunk for a
    // second is read by nobody.
    private void DropStaleInput()
    {
        var unread = _slave.WithFd(Termios.BytesToRead);
        if (unread < 0) return;
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
        var unread = _slave.WithFd(fd =>
        {
            var n = Termios.BytesToRead(fd);
            Termios.FlushInput(fd);
            return n;
        });
        if (unread > 0) Interlocked.Add(ref _discarded, unread);
        _unread = 0;
    }


    public void Dispose()
    {
        _master.Dispose();
        _slave.Dispose();
    }

    private static void SetCloseOnExec(int fd)
    {
        if (LibC.Fcntl(fd, Libc.F_SETFD, Libc.FD_CLOEXEC) < 0)
            throw new PtyException($"fcntl(FD_CLOEXEC) failed: {Libc.LastError()}");
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
