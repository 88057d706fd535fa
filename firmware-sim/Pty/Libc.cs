using System.Runtime.InteropServices;

namespace FirmwareSim.Pty;

/// <summary>
/// The libc calls only a pseudo-terminal's maker needs; everything a device shares with the agent (poll, read,
/// write, termios) is Agent.Posix's. "libc" resolves to libc.so.6 on Linux.
/// </summary>
internal static unsafe partial class Libc
{
    public const int F_SETFD = 2;
    public const int FD_CLOEXEC = 1;

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
