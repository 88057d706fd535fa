using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Ceiling;

/// <summary>A Linux TUN interface (IFF_TUN | IFF_NO_PI: one IP packet per read and per write) on a blocking fd.</summary>
internal static unsafe partial class Tun
{
    private const int O_RDWR = 0x2, O_CLOEXEC = 0x80000;
    private const uint TUNSETIFF = 0x400454ca;
    private const short IFF_TUN = 0x0001, IFF_NO_PI = 0x1000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, nuint request, byte* argument);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, byte* buffer, nuint count);

    /// <summary>Creates tun%d and returns its fd and the name the kernel gave it.</summary>
    public static (int Fd, string Name) Create()
    {
        var fd = Open("/dev/net/tun", O_RDWR | O_CLOEXEC);
        if (fd < 0) throw new IOException($"cannot open /dev/net/tun: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        var ifreq = stackalloc byte[40]; // 16-byte name, then the flags
        new Span<byte>(ifreq, 40).Clear();
        "tun%d"u8.CopyTo(new Span<byte>(ifreq, 16));
        *(short*)(ifreq + 16) = IFF_TUN | IFF_NO_PI;
        if (Ioctl(fd, TUNSETIFF, ifreq) < 0) throw new IOException($"TUNSETIFF: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        var name = new ReadOnlySpan<byte>(ifreq, 16);
        return (fd, Encoding.ASCII.GetString(name[..name.IndexOf((byte)0)]));
    }

    /// <summary>Moves the interface into <paramref name="netns"/> and gives it bbbb::N/64 and 10.2.0.N/24 there (PROTOCOL.md 5).</summary>
    public static void Configure(string name, string netns, int n)
    {
        Ip("link", "set", "dev", name, "netns", netns);
        Ip("-n", netns, "-6", "addr", "add", $"bbbb::{n}/64", "dev", name, "nodad");
        Ip("-n", netns, "addr", "add", $"10.2.0.{n}/24", "dev", name);
        Ip("-n", netns, "link", "set", "dev", name, "up");
    }

    private static void Ip(params string[] arguments)
    {
        using var ip = Process.Start(new ProcessStartInfo("ip", arguments)) ?? throw new IOException("cannot start ip");
        ip.WaitForExit();
        if (ip.ExitCode != 0) throw new IOException($"ip {string.Join(' ', arguments)} failed with exit code {ip.ExitCode}");
    }

    /// <summary>Blocks until a packet arrives; its length.</summary>
    public static int ReadPacket(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var n = Read(fd, p, (nuint)buffer.Length);
                if (n >= 0) return (int)n;
                if (Marshal.GetLastPInvokeError() != 4) throw new IOException($"read: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }
        }
    }

    /// <summary>Writes one packet; a refused packet is lost, as on any link.</summary>
    public static bool WritePacket(int fd, ReadOnlySpan<byte> packet)
    {
        fixed (byte* p = packet) return Write(fd, p, (nuint)packet.Length) == packet.Length;
    }
}
