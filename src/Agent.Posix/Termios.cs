using System.Runtime.InteropServices;

namespace Agent.Posix;

/// <summary>
/// Raw-mode terminal settings through glibc's termios calls: 8N1, no translation, a baud rate, and the flow control
/// asked for. The struct is handled as bytes at the glibc x86-64/arm64 offsets, so no layout is guessed twice.
/// </summary>
public static unsafe partial class Termios
{
    private const int Size = 64;            // sizeof(struct termios) is 60 on glibc; a little room
    private const int IFlagOffset = 0;
    private const int CFlagOffset = 8;
    private const int CcOffset = 17;
    private const int VTime = 5;
    private const int VMin = 6;
    private const uint IXON = 0x400;
    private const uint CREAD = 0x80;
    private const uint CLOCAL = 0x800;
    private const uint CRTSCTS = 0x80000000;
    private const int TCSANOW = 0;
    private const int TCIFLUSH = 0;
    private const nuint TIOCEXCL = 0x540C;
    private const nuint TIOCINQ = 0x541B;

    /// <summary>How the line paces our output.</summary>
    public enum Flow
    {
        None,

        /// <summary>Hardware: the kernel holds our output while CTS is low.</summary>
        RtsCts,

        /// <summary>Software: the kernel holds our output between a received XOFF and XON (termios IXON).</summary>
        XonXoff,
    }

    /// <summary>Puts <paramref name="fd"/> in raw mode at <paramref name="baud"/> and takes it exclusively (TIOCEXCL).</summary>
    /// <exception cref="IOException">The device refused a setting; the message says which.</exception>
    public static void MakeRaw(int fd, int baud, Flow flow, string name)
    {
        byte* t = stackalloc byte[Size];
        new Span<byte>(t, Size).Clear();
        if (TcGetAttr(fd, t) < 0) throw Failure(name, "is not a serial device (tcgetattr)");
        CfMakeRaw(t);
        ref var iflag = ref *(uint*)(t + IFlagOffset);
        ref var cflag = ref *(uint*)(t + CFlagOffset);
        cflag |= CLOCAL | CREAD;
        cflag &= ~CRTSCTS;
        iflag &= ~IXON;
        if (flow == Flow.RtsCts) cflag |= CRTSCTS;
        if (flow == Flow.XonXoff) iflag |= IXON;
        t[CcOffset + VMin] = 1;
        t[CcOffset + VTime] = 0;
        // glibc's cfsetspeed takes the plain number (115200) as well as the B115200 constant.
        if (CfSetSpeed(t, (uint)baud) < 0) throw Failure(name, $"does not support {baud} baud");
        if (TcSetAttr(fd, TCSANOW, t) < 0) throw Failure(name, "refused the settings (tcsetattr)");
        // One writer owns the port: a second opener gets EBUSY instead of interleaving its bytes with ours.
        _ = LibC.Ioctl(fd, TIOCEXCL, null);
    }

    /// <summary>Raw mode alone (cfmakeraw): no translation, no echo; the speed is left alone (a pseudo-terminal has none).</summary>
    /// <exception cref="IOException">Not a terminal, or it refused the settings.</exception>
    public static void MakeRaw(int fd, string name)
    {
        byte* t = stackalloc byte[Size];
        new Span<byte>(t, Size).Clear();
        if (TcGetAttr(fd, t) < 0) throw Failure(name, "is not a terminal (tcgetattr)");
        CfMakeRaw(t);
        if (TcSetAttr(fd, TCSANOW, t) < 0) throw Failure(name, "refused raw mode (tcsetattr)");
    }

    /// <summary>How many received bytes wait unread in the terminal's input queue (TIOCINQ); -1 if it cannot say.</summary>
    public static int BytesToRead(int fd)
    {
        int unread;
        return LibC.Ioctl(fd, TIOCINQ, &unread) == 0 ? unread : -1;
    }

    /// <summary>Throws away what waits unread in the terminal's input queue (tcflush TCIFLUSH).</summary>
    public static void FlushInput(int fd) => _ = TcFlush(fd, TCIFLUSH);

    private static IOException Failure(string name, string what) =>
        new($"{name} {what}: {LibC.Describe(Marshal.GetLastPInvokeError())}");

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    private static partial int TcGetAttr(int fd, byte* termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    private static partial int TcSetAttr(int fd, int optionalActions, byte* termios);

    [LibraryImport("libc", EntryPoint = "cfmakeraw")]
    private static partial void CfMakeRaw(byte* termios);

    [LibraryImport("libc", EntryPoint = "tcflush", SetLastError = true)]
    private static partial int TcFlush(int fd, int queueSelector);

    [LibraryImport("libc", EntryPoint = "cfsetspeed", SetLastError = true)]
    private static partial int CfSetSpeed(byte* termios, uint speed);
}
