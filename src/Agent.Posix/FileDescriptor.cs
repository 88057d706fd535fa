using System.Runtime.InteropServices;

namespace Agent.Posix;

/// <summary>
/// An owned Linux file descriptor. Being a SafeHandle, it is closed only once every user that
/// took a reference (DangerousAddRef) has released it, so a reader still inside poll() or
/// read() never sees its fd closed and reused under it.
/// </summary>
public sealed class FileDescriptor : SafeHandle
{
    public FileDescriptor(int fd)
        : base(invalidHandleValue: -1, ownsHandle: true)
    {
        SetHandle(fd);
    }

    public override bool IsInvalid => handle == -1;

    /// <summary>Runs <paramref name="action"/> with the raw fd, kept open for the call (an ioctl, tcflush ...).</summary>
    /// <exception cref="ObjectDisposedException">Closed already.</exception>
    public T WithFd<T>(Func<int, T> action)
    {
        var added = false;
        try
        {
            DangerousAddRef(ref added);
            return action((int)handle);
        }
        finally
        {
            if (added) DangerousRelease();
        }
    }

    protected override bool ReleaseHandle() => LibC.Close((int)handle) == 0;
}
