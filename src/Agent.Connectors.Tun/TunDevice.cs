using System.Runtime.InteropServices;
using System.Text;
using Agent.Posix;

namespace Agent.Connectors.Tun;

/// <summary>
/// A Linux TUN interface opened with IFF_TUN|IFF_NO_PI: every read returns one IP packet and every
/// write takes one (PROTOCOL.md section 9). Reads wait in poll() beside a shutdown eventfd
/// (<see cref="PollableFile"/>), so shutdown never hangs on a pending read. The interface disappears
/// when the fd is closed.
/// </summary>
public sealed unsafe class TunDevice : IDisposable
{
    private const string ClonePath = "/dev/net/tun";
    private const uint TUNSETIFF = 0x400454ca;
    private const short IFF_TUN = 0x0001;
    private const short IFF_NO_PI = 0x1000;
    private const int IfReqSize = 40;
    private const int IfNameSize = 16;

    // How long a write waits for room when the device says EAGAIN before the packet is given up.
    private const int WriteWaitMilliseconds = 5;

    private readonly PollableFile _file;

    private TunDevice(PollableFile file)
    {
        _file = file;
    }

    /// <summary>The interface name the kernel gave, or the one <c>ip</c> renamed it to since (before it is read or written).</summary>
    public string Name
    {
        get => _file.Name;
        set => _file.Name = value;
    }

    /// <summary>
    /// Creates a TUN interface. <paramref name="namePattern"/> is "tun%d" (the kernel picks the
    /// number) or an exact name such as "tun7".
    /// </summary>
    /// <exception cref="TunUnavailableException">The interface could not be created, or the name is not a valid interface name.</exception>
    public static TunDevice Open(string namePattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(namePattern);
        byte[] nameBytes = Encoding.ASCII.GetBytes(namePattern);
        if (nameBytes.Length >= IfNameSize || namePattern.Any(c => c is '/' or '\0' || char.IsWhiteSpace(c) || c > 127))
        {
            throw new TunUnavailableException(
                $"cannot create TUN interface '{namePattern}': a name is at most {IfNameSize - 1} ASCII characters, without '/' or spaces",
                LibC.EINVAL);
        }

        int fd = LibC.Open(ClonePath, LibC.O_RDWR | LibC.O_CLOEXEC);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            // Creating needs CAP_NET_ADMIN; opening the clone device also needs its file mode to let us in
            // (udev makes it 0666; a system without udev leaves the kernel's 0600).
            if (errno is LibC.EACCES or LibC.EPERM)
            {
                throw new TunUnavailableException(
                    $"cannot open {ClonePath}: permission denied; run as root, or give this user read and write access to it " +
                    $"(mode 0666, as udev sets it) and CAP_NET_ADMIN", errno);
            }

            throw OpenFailure(errno, namePattern);
        }

        var tun = new FileDescriptor(fd);
        try
        {
            Span<byte> ifreq = stackalloc byte[IfReqSize];
            ifreq.Clear();
            nameBytes.CopyTo(ifreq);
            // ifr_flags is a native-endian short right after the 16-byte name.
            short ifFlags = IFF_TUN | IFF_NO_PI;
            MemoryMarshal.Write(ifreq[IfNameSize..], in ifFlags);

            fixed (byte* p = ifreq)
            {
                if (LibC.Ioctl(fd, TUNSETIFF, p) < 0)
                {
                    throw OpenFailure(Marshal.GetLastPInvokeError(), namePattern);
                }
            }

            Span<byte> given = ifreq[..IfNameSize];
            int end = given.IndexOf((byte)0);
            string name = Encoding.ASCII.GetString(end < 0 ? given : given[..end]);

            return new TunDevice(PollableFile.Wrap(tun, name));
        }
        catch
        {
            tun.Dispose(); // harmless when Wrap disposed it already
            throw;
        }
    }

    /// <summary>
    /// Waits for the next packet and copies it into <paramref name="buffer"/>. Returns its length,
    /// or 0 once <see cref="Dispose"/> has been called. Meant for one dedicated reader thread.
    /// A packet longer than the buffer is truncated by the kernel.
    /// </summary>
    /// <exception cref="IOException">The device failed (for example the interface was deleted).</exception>
    public int Read(Span<byte> buffer) => _file.Read(buffer);

    /// <summary>
    /// Writes one whole IP packet. Returns false when the kernel refused it (no room after a few
    /// milliseconds, a malformed packet, the interface down); one lost packet is not an error.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The device was disposed.</exception>
    public bool TryWrite(ReadOnlySpan<byte> packet) => _file.TryWrite(packet, WriteWaitMilliseconds);

    /// <summary>
    /// Wakes a blocked <see cref="Read"/> (which then returns 0) and closes the device. The fds are
    /// closed as soon as no Read or TryWrite is using them any more, never under a running call;
    /// callers that need the interface gone on return join their reader thread before that.
    /// </summary>
    public void Dispose() => _file.Dispose();

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
}
