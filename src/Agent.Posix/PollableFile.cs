using System.Runtime.InteropServices;

namespace Agent.Posix;

/// <summary>
/// A non-blocking device fd that a reader waits on in poll(), together with an eventfd that
/// <see cref="Dispose"/> signals, so shutdown never hangs on a pending read or write. Both fds stay
/// open for the length of every call (SafeHandle references), so Dispose never closes them under one.
/// </summary>
public sealed unsafe class PollableFile : IDisposable
{
    private readonly FileDescriptor _file;
    private readonly FileDescriptor _shutdown;
    private volatile bool _stopping; // Interrupt or Dispose: reads return 0
    private volatile bool _disposed;

    private PollableFile(FileDescriptor file, FileDescriptor shutdown, string name)
    {
        _file = file;
        _shutdown = shutdown;
        Name = name;
    }

    /// <summary>
    /// What the device is called in messages: an interface name or a device path. An interface renamed once open (a TUN
    /// moved into a namespace where its first name was taken) takes its new name here, before anyone reads it.
    /// </summary>
    public string Name { get; set; }

    /// <summary>Makes <paramref name="file"/> non-blocking and pairs it with a shutdown eventfd; takes ownership.</summary>
    /// <exception cref="IOException">fcntl or eventfd failed.</exception>
    public static PollableFile Wrap(FileDescriptor file, string name)
    {
        try
        {
            var fd = (int)file.DangerousGetHandle();
            var flags = LibC.Fcntl(fd, LibC.F_GETFL, 0);
            if (flags < 0 || LibC.Fcntl(fd, LibC.F_SETFL, flags | LibC.O_NONBLOCK) < 0)
                throw new IOException($"{name}: cannot make it non-blocking: {LibC.Describe(Marshal.GetLastPInvokeError())}");
            var efd = LibC.EventFd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
            if (efd < 0) throw new IOException($"{name}: eventfd failed: {LibC.Describe(Marshal.GetLastPInvokeError())}");
            return new PollableFile(file, new FileDescriptor(efd), name);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits for data and copies what one read() returns into <paramref name="buffer"/> (for a TUN: one
    /// packet). Returns its length, or 0 once <see cref="Interrupt"/> or <see cref="Dispose"/> has been called. Meant for
    /// one reader thread.
    /// </summary>
    /// <exception cref="IOException">The device failed or hung up (an interface deleted, a serial device unplugged).</exception>
    public int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) throw new ArgumentException("the buffer must not be empty", nameof(buffer));
        try
        {
            using var fds = new Lease(this);
            fixed (byte* p = buffer)
            {
                // The flag is checked on every turn: under steady traffic read() never returns
                // EAGAIN, so poll() alone would not notice the shutdown.
                while (!_stopping)
                {
                    var n = LibC.Read(fds.File, p, (nuint)buffer.Length);
                    if (n > 0) return (int)n;
                    if (n == 0) throw new IOException($"{Name} hung up");
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == LibC.EINTR) continue;
                    if (errno != LibC.EAGAIN) throw new IOException($"reading from {Name} failed: {LibC.Describe(errno)}");
                    if (WaitForFileOrShutdown(fds, LibC.POLLIN, timeoutMilliseconds: -1)) return 0;
                }
                return 0;
            }
        }
        catch (ObjectDisposedException)
        {
            // Dispose ran before this read took its references: same as a signalled shutdown.
            return 0;
        }
    }

    /// <summary>
    /// Writes <paramref name="data"/> in one write() (a datagram: one IP packet). When the device has no room,
    /// waits up to <paramref name="waitMilliseconds"/> once. False when it was refused.
    /// </summary>
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    public bool TryWrite(ReadOnlySpan<byte> data, int waitMilliseconds)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (data.IsEmpty) return false;
        using var fds = new Lease(this);
        fixed (byte* p = data)
        {
            var waited = false;
            while (true)
            {
                var n = LibC.Write(fds.File, p, (nuint)data.Length);
                if (n >= 0) return n == data.Length;
                var errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.EINTR) continue;
                if (errno != LibC.EAGAIN || waited) return false;
                waited = true;
                if (WaitForFileOrShutdown(fds, LibC.POLLOUT, waitMilliseconds)) return false;
            }
        }
    }

    /// <summary>
    /// Writes all of <paramref name="data"/> (a byte stream: a serial line), waiting for room as long as
    /// <paramref name="timeout"/> allows in all (a line paused by XOFF or CTS has no room). False on timeout or shutdown.
    /// </summary>
    /// <exception cref="IOException">The device failed or hung up.</exception>
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    public bool WriteAll(ReadOnlySpan<byte> data, TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        using var fds = new Lease(this);
        fixed (byte* start = data)
        {
            var p = start;
            var left = data.Length;
            while (left > 0)
            {
                var n = LibC.Write(fds.File, p, (nuint)left);
                if (n > 0)
                {
                    p += n;
                    left -= (int)n;
                    continue;
                }
                var errno = n < 0 ? Marshal.GetLastPInvokeError() : LibC.EAGAIN;
                if (errno == LibC.EINTR) continue;
                if (errno != LibC.EAGAIN) throw new IOException($"writing to {Name} failed: {LibC.Describe(errno)}");
                var wait = deadline - Environment.TickCount64;
                if (wait <= 0 || WaitForFileOrShutdown(fds, LibC.POLLOUT, (int)wait)) return false;
            }
            return true;
        }
    }

    /// <summary>
    /// Writes what the device takes now without waiting (a pseudo-terminal's master: a UART sends whether or not anybody
    /// listens). Returns how many bytes were written; 0 when the device has no room.
    /// </summary>
    /// <exception cref="IOException">The device failed.</exception>
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    public int WriteAvailable(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var fds = new Lease(this);
        fixed (byte* start = data)
        {
            var written = 0;
            while (written < data.Length)
            {
                var n = LibC.Write(fds.File, start + written, (nuint)(data.Length - written));
                if (n > 0)
                {
                    written += (int)n;
                    continue;
                }
                var errno = n < 0 ? Marshal.GetLastPInvokeError() : LibC.EAGAIN;
                if (errno == LibC.EINTR) continue;
                if (errno == LibC.EAGAIN) break;
                throw new IOException($"writing to {Name} failed: {LibC.Describe(errno)}");
            }
            return written;
        }
    }

    /// <summary>Runs <paramref name="action"/> with the raw fd, kept open for the call (an ioctl, tcdrain ...).</summary>
    public T WithFd<T>(Func<int, T> action)
    {
        using var fds = new Lease(this);
        return action(fds.File);
    }

    /// <summary>Wakes a blocked <see cref="Read"/>, which returns 0 from now on; writes still work until <see cref="Dispose"/>.</summary>
    public void Interrupt()
    {
        if (_stopping) return;
        _stopping = true;
        var added = false;
        try
        {
            _shutdown.DangerousAddRef(ref added);
            ulong one = 1;
            // Never read back: the eventfd stays readable, so every later poll() returns at once.
            _ = LibC.Write((int)_shutdown.DangerousGetHandle(), (byte*)&one, sizeof(ulong));
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            if (added) _shutdown.DangerousRelease();
        }
    }

    /// <summary>Wakes a blocked <see cref="Read"/> (which returns 0) and closes the fds once no call uses them.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        Interrupt();
        _disposed = true;
        _file.Dispose();
        _shutdown.Dispose();
    }

    /// <summary>Polls the device for <paramref name="events"/> and the shutdown eventfd; true when shutdown was signalled.</summary>
    private bool WaitForFileOrShutdown(Lease fds, short events, int timeoutMilliseconds)
    {
        LibC.PollFd* poll = stackalloc LibC.PollFd[2];
        poll[0] = new LibC.PollFd { Fd = fds.File, Events = events };
        poll[1] = new LibC.PollFd { Fd = fds.Shutdown, Events = LibC.POLLIN };
        while (true)
        {
            if (LibC.Poll(poll, 2, timeoutMilliseconds) < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.EINTR) continue;
                throw new IOException($"waiting on {Name} failed: {LibC.Describe(errno)}");
            }
            if (poll[1].Revents != 0) return true;
            if ((poll[0].Revents & LibC.POLLNVAL) != 0) throw new IOException($"{Name} is no longer open");
            // Readiness, a timeout, or POLLERR/POLLHUP: the caller's next read or write reports which.
            return false;
        }
    }

    /// <summary>Holds both fds open for the length of one call.</summary>
    private ref struct Lease
    {
        private readonly PollableFile _owner;
        private bool _fileAdded;
        private bool _shutdownAdded;

        public Lease(PollableFile owner)
        {
            _owner = owner;
            try
            {
                owner._file.DangerousAddRef(ref _fileAdded);
                owner._shutdown.DangerousAddRef(ref _shutdownAdded);
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public readonly int File => (int)_owner._file.DangerousGetHandle();

        public readonly int Shutdown => (int)_owner._shutdown.DangerousGetHandle();

        public void Dispose()
        {
            if (_shutdownAdded) _owner._shutdown.DangerousRelease();
            if (_fileAdded) _owner._file.DangerousRelease();
            _shutdownAdded = _fileAdded = false;
        }
    }
}
