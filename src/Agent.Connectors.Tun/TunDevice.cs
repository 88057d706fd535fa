using System.Runtime.InteropServices;
using System.Text;

namespace Agent.Connectors.Tun;

/// <summary>
/// A Linux TUN interface opened with IFF_TUN|IFF_NO_PI: every read returns one IP packet and every
/// write takes one (PROTOCOL.md section 9). The fd is non-blocking; a reader waits in poll() on it
/// and on an eventfd that <see cref="Dispose"/> signals, so shutdown never hangs on a pending read.
/// The interface disappears when the fd is closed.
/// </summary>
public sealed unsafe class TunDevice : IDisposable
{
    private const string ClonePath = "/dev/net/tun";

    // How long a write waits for room when the device says EAGAIN before the packet is given up.
    private const int WriteWaitMilliseconds = 5;

    private readonly FileDescriptor _tun;
    private readonly FileDescriptor _shutdown;
    private volatile bool _disposed;

    private TunDevice(FileDescriptor tun, FileDescriptor shutdown, string name)
    {
        _tun = tun;
        _shutdown = shutdown;
        Name = name;
    }

    /// <summary>The interface name the kernel gave.</summary>
    public string Name { get; }

    /// <summary>
    /// Creates a TUN interface. <paramref name="namePattern"/> is "tun%d" (the kernel picks the
    /// number) or an exact name such as "tun7".
    /// </summary>
    /// <exception cref="TunUnavailableException">The interface could not be created, or the name is not a valid interface name.</exception>
    public static TunDevice Open(string namePattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(namePattern);
        byte[] nameBytes = Encoding.ASCII.GetBytes(namePattern);
        if (nameBytes.Length >= LibC.IfNameSize || namePattern.Any(c => c is '/' or '\0' || char.IsWhiteSpace(c) || c > 127))
        {
            throw new TunUnavailableException(
                $"cannot create TUN interface '{namePattern}': a name is at most {LibC.IfNameSize - 1} ASCII characters, without '/' or spaces",
                LibC.EINVAL);
        }

        int fd = LibC.Open(ClonePath, LibC.O_RDWR | LibC.O_CLOEXEC);
        if (fd < 0)
        {
            throw OpenFailure(Marshal.GetLastPInvokeError(), namePattern);
        }

        var tun = new FileDescriptor(fd);
        try
        {
            Span<byte> ifreq = stackalloc byte[LibC.IfReqSize];
            ifreq.Clear();
            nameBytes.CopyTo(ifreq);
            // ifr_flags is a native-endian short right after the 16-byte name.
            short ifFlags = LibC.IFF_TUN | LibC.IFF_NO_PI;
            MemoryMarshal.Write(ifreq[LibC.IfNameSize..], in ifFlags);

            fixed (byte* p = ifreq)
            {
                if (LibC.Ioctl(fd, LibC.TUNSETIFF, p) < 0)
                {
                    throw OpenFailure(Marshal.GetLastPInvokeError(), namePattern);
                }
            }

            Span<byte> given = ifreq[..LibC.IfNameSize];
            int end = given.IndexOf((byte)0);
            string name = Encoding.ASCII.GetString(end < 0 ? given : given[..end]);

            int flags = LibC.Fcntl(fd, LibC.F_GETFL, 0);
            if (flags < 0 || LibC.Fcntl(fd, LibC.F_SETFL, flags | LibC.O_NONBLOCK) < 0)
            {
                throw OpenFailure(Marshal.GetLastPInvokeError(), namePattern);
            }

            int efd = LibC.EventFd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
            if (efd < 0)
            {
                throw OpenFailure(Marshal.GetLastPInvokeError(), namePattern);
            }

            return new TunDevice(tun, new FileDescriptor(efd), name);
        }
        catch
        {
            tun.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits for the next packet and copies it into <paramref name="buffer"/>. Returns its length,
    /// or 0 once <see cref="Dispose"/> has been called. Meant for one dedicated reader thread.
    /// A packet longer than the buffer is truncated by the kernel.
    /// </summary>
    /// <exception cref="IOException">The device failed (for example the interface was deleted).</exception>
    public int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            throw new ArgumentException("the buffer must not be empty", nameof(buffer));
        }

        try
        {
            using var fds = new FdLease(this);
            int tunFd = fds.Tun;
            int shutdownFd = fds.Shutdown;

            fixed (byte* p = buffer)
            {
                // The flag is checked on every turn: under steady traffic read() never returns
                // EAGAIN, so poll() alone would not notice the shutdown.
                while (!_disposed)
                {
                    nint n = LibC.Read(tunFd, p, (nuint)buffer.Length);
                    if (n > 0)
                    {
                        return (int)n;
                    }

                    int errno = n < 0 ? Marshal.GetLastPInvokeError() : LibC.EAGAIN;
                    if (errno == LibC.EINTR)
                    {
                        continue;
                    }

                    if (errno != LibC.EAGAIN)
                    {
                        throw new IOException($"reading from {Name} failed: {LibC.Describe(errno)}");
                    }

                    if (WaitForTunOrShutdown(tunFd, shutdownFd, LibC.POLLIN, timeoutMilliseconds: -1))
                    {
                        return 0;
                    }
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
    /// Writes one whole IP packet. Returns false when the kernel refused it (no room after a few
    /// milliseconds, a malformed packet, the interface down); one lost packet is not an error.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The device was disposed.</exception>
    public bool TryWrite(ReadOnlySpan<byte> packet)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (packet.IsEmpty)
        {
            return false;
        }

        using var fds = new FdLease(this);
        int tunFd = fds.Tun;
        int shutdownFd = fds.Shutdown;

        fixed (byte* p = packet)
        {
            bool waited = false;
            while (true)
            {
                nint n = LibC.Write(tunFd, p, (nuint)packet.Length);
                if (n >= 0)
                {
                    return n == packet.Length;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.EINTR)
                {
                    continue;
                }

                if (errno != LibC.EAGAIN || waited)
                {
                    return false;
                }

                waited = true;
                if (WaitForTunOrShutdown(tunFd, shutdownFd, LibC.POLLOUT, WriteWaitMilliseconds))
                {
                    return false;
                }
            }
        }
    }

    /// <summary>
    /// Wakes a blocked <see cref="Read"/> (which then returns 0) and closes the device. The fds are
    /// closed as soon as no Read or TryWrite is using them any more, never under a running call;
    /// callers that need the interface gone on return join their reader thread before that.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        SignalShutdown();
        _tun.Dispose();
        _shutdown.Dispose();
    }

    private void SignalShutdown()
    {
        bool added = false;
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
            if (added)
            {
                _shutdown.DangerousRelease();
            }
        }
    }

    /// <summary>Polls the TUN fd for <paramref name="events"/> and the shutdown eventfd; true when shutdown was signalled.</summary>
    private bool WaitForTunOrShutdown(int tunFd, int shutdownFd, short events, int timeoutMilliseconds)
    {
        LibC.PollFd* fds = stackalloc LibC.PollFd[2];
        fds[0] = new LibC.PollFd { Fd = tunFd, Events = events };
        fds[1] = new LibC.PollFd { Fd = shutdownFd, Events = LibC.POLLIN };
        while (true)
        {
            int ready = LibC.Poll(fds, 2, timeoutMilliseconds);
            if (ready < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.EINTR)
                {
                    continue;
                }

                throw new IOException($"waiting on {Name} failed: {LibC.Describe(errno)}");
            }

            if (fds[1].Revents != 0)
            {
                return true;
            }

            if ((fds[0].Revents & LibC.POLLNVAL) != 0)
            {
                throw new IOException($"{Name} is no longer open");
            }

            // Readiness, a timeout, or POLLERR/POLLHUP: the caller's next read or write reports which.
            return false;
        }
    }

    private static TunUnavailableException OpenFailure(int errno, string namePattern)
    {
        string message = errno switch
        {
            LibC.EACCES or LibC.EPERM =>
                "cannot create a TUN interface: permission denied; run as root or grant CAP_NET_ADMIN",
            LibC.ENOENT or LibC.ENODEV or LibC.ENXIO =>
                $"cannot create a TUN interface: {ClonePath} is missing; load the tun module (modprobe tun) or, in a container, pass the device in",
            LibC.EBUSY =>
                $"cannot create TUN interface '{namePattern}': it is already in use; pick another name",
            LibC.EINVAL =>
                $"cannot create TUN interface '{namePattern}': invalid argument; the name may belong to an interface that is not a TUN",
            _ => $"cannot create TUN interface '{namePattern}': {LibC.Describe(errno)}",
        };
        return new TunUnavailableException(message, errno);
    }

    /// <summary>
    /// Holds both fds open for the length of one call, so that <see cref="Dispose"/> never closes
    /// them under a running read or write.
    /// </summary>
    private ref struct FdLease
    {
        private readonly TunDevice _device;
        private bool _tunAdded;
        private bool _shutdownAdded;

        public FdLease(TunDevice device)
        {
            _device = device;
            try
            {
                device._tun.DangerousAddRef(ref _tunAdded);
                device._shutdown.DangerousAddRef(ref _shutdownAdded);
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public readonly int Tun => (int)_device._tun.DangerousGetHandle();

        public readonly int Shutdown => (int)_device._shutdown.DangerousGetHandle();

        public void Dispose()
        {
            if (_shutdownAdded) _device._shutdown.DangerousRelease();
            if (_tunAdded) _device._tun.DangerousRelease();
            _shutdownAdded = _tunAdded = false;
        }
    }
}
