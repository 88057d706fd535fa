using System.Runtime.InteropServices;

namespace Agent.Connectors.Serial.Tests.Line;

/// <summary>A pseudo-terminal for tests: the test holds the master (the mote's side), the code under test opens the slave path.</summary>
internal sealed partial class PseudoTerminalPair : IDisposable
{
    private readonly int _master;
    private readonly int _slave;

    private PseudoTerminalPair(int master, int slave, string path)
    {
        _master = master;
        _slave = slave;
        SlavePath = path;
    }

    public string SlavePath { get; }

    public static PseudoTerminalPair Open()
    {
        if (OpenPty(out var master, out var slave, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero) != 0)
            throw new IOException($"openpty failed: {Marshal.GetLastPInvokeError()}");
        var path = Marshal.PtrToStringUTF8(TtyName(slave)) ?? throw new IOException("ttyname failed");
        return new PseudoTerminalPair(master, slave, path);
    }

    public void Write(params byte[] bytes)
    {
        if (Write(_master, bytes, bytes.Length) != bytes.Length) throw new IOException("write to the master failed");
    }

    /// <summary>Reads what arrives on the master within <paramref name="window"/>: to check that nothing does.</summary>
    public byte[] ReadFor(TimeSpan window) => ReadUntil(int.MaxValue, window);

    /// <summary>
    /// Reads until <paramref name="count"/> bytes arrived on the master, or <paramref name="bound"/> passed (a generous
    /// bound: a busy machine is slow, and what never comes still fails the test).
    /// </summary>
    public byte[] ReadUntil(int count, TimeSpan bound)
    {
        var received = new List<byte>();
        var deadline = Environment.TickCount64 + (long)bound.TotalMilliseconds;
        var buffer = new byte[4096];
        while (true)
        {
            var left = deadline - Environment.TickCount64;
            if (left <= 0 || received.Count >= count) return [.. received];
            var poll = new PollFd { Fd = _master, Events = 1 };
            if (Poll(ref poll, 1, (int)left) > 0 && (poll.Revents & 1) != 0)
            {
                var n = Read(_master, buffer, buffer.Length);
                if (n > 0) received.AddRange(buffer.AsSpan(0, (int)n).ToArray());
            }
        }
    }

    public void Dispose()
    {
        _ = Close(_slave);
        _ = Close(_master);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "openpty", SetLastError = true)]
    private static partial int OpenPty(out int master, out int slave, IntPtr name, IntPtr termios, IntPtr winsize);

    [LibraryImport("libc", EntryPoint = "ttyname")]
    private static partial IntPtr TtyName(int fd);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, byte[] buffer, nint count);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, byte[] buffer, nint count);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollFd fds, nuint count, int timeout);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
