using System.Runtime.InteropServices;

namespace FirmwareSim.Pty;

/// <summary>The few libc calls a pseudo-terminal needs. "libc" resolves to libc.so.6 on Linux.</summary>
internal static unsafe partial class Libc
{

    public const int F_SETFD = 2;
    public const int FD_CLOEXEC = 1;



    public const int TCSANOW = 0;
    public const int TCIFLUSH = 0;
    public const nuint TIOCINQ = 0x541B;

    /// <summary>sizeof(struct termios) is 60 on glibc (x86-64 and arm64); room to spare for an opaque buffer.</summary>
    public const int TermiosBufferSize = 256;

    // glibc 2.34 moved openpty into libc; older systems have it in libutil only.
    [LibraryImport("libc", EntryPoint = "openpty", SetLastError = true)]
    private static partial int OpenPtyLibc(out int master, out int slave, nint name, nint termios, nint winsize);

    [LibraryImport("libutil.so.1", EntryPoint = "openpty", SetLastError = true)]
    private static partial int OpenPtyLibutil(out int master, out int slave, nint name, nint termios, nint winsize);

    public static int OpenPty(out int master, out int slave)
    {
        try
        {
            return OpenPtyLibc(out master, out slave, 0, 0, 0);
        }
        catch (EntryPointNotFoundException)
        {
            return OpenPtyLibutil(out master, out slave, 0, 0, 0);
        }
    }

    [LibraryImport("libc", EntryPoint = "ttyname_r")]
    public static partial int TtyNameR(int fd, byte* buffer, nuint length);

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    public static partial int TcGetAttr(int fd, byte* termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    public static partial int TcSetAttr(int fd, int optionalActions, byte* termios);

    [LibraryImport("libc", EntryPoint = "cfmakeraw")]
    public static partial void CfMakeRaw(byte* termios);

    [LibraryImport("libc", EntryPoint = "tcflush", SetLastError = true)]
    public static partial int TcFlush(int fd, int queueSelector);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, out int value);

    [LibraryImport("libc", EntryPoint = "symlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Symlink(string target, string linkPath);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Rename(string oldPath, string newPath);

    /// <summary>The text of the last P/Invoke error, e.g. "No such file or directory (2)".</summary>
    public static string LastError()
    {
        var errno = Marshal.GetLastPInvokeError();
        return $"{Marshal.GetPInvokeErrorMessage(errno)} ({errno})";
    }
}
