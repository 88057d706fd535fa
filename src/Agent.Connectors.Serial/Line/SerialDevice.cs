using System.Runtime.InteropServices;
using Agent.Posix;

namespace Agent.Connectors.Serial.Line;

/// <summary>An open serial device in raw mode: a byte stream that can be read, written, and lost (unplugged).</summary>
public sealed class SerialDevice : IDisposable
{
    private readonly PollableFile _file;

    private SerialDevice(PollableFile file) => _file = file;

    public string Path => _file.Name;

    /// <summary>Opens and configures <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The device does not exist (not plugged in yet).</exception>
    /// <exception cref="UnauthorizedAccessException">No permission: the message says what is needed.</exception>
    /// <exception cref="NotASerialDeviceException">A directory, a regular file, /dev/null: waiting would not help.</exception>
    /// <exception cref="IOException">Any other failure (busy, unsupported baud rate).</exception>
    public static SerialDevice Open(string path, int baud, Termios.Flow flow)
    {
        var fd = LibC.Open(path, LibC.O_RDWR | LibC.O_NOCTTY | LibC.O_CLOEXEC | LibC.O_NONBLOCK);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno switch
            {
                LibC.ENOENT or LibC.ENODEV or LibC.ENXIO => new FileNotFoundException($"{path} does not exist", path),
                LibC.EACCES or LibC.EPERM => new UnauthorizedAccessException(
                    $"cannot open {path}: permission denied; run as root or add the user to the device's group (usually dialout)"),
                LibC.EBUSY => new IOException($"cannot open {path}: it is in use by another program"),
                LibC.EISDIR => new NotASerialDeviceException(path, LibC.Describe(errno)),
                _ => new IOException($"cannot open {path}: {LibC.Describe(errno)}"),
            };
        }
        var file = new FileDescriptor(fd);
        try
        {
            if (LibC.IsATty(fd) == 0 && Marshal.GetLastPInvokeError() is var errno && errno == LibC.ENOTTY)
                throw new NotASerialDeviceException(path, LibC.Describe(errno));
            Termios.MakeRaw(fd, baud, flow, path);
        }
        catch
        {
            file.Dispose();
            throw;
        }
        return new SerialDevice(PollableFile.Wrap(file, path));
    }

    /// <summary>Waits for bytes; returns how many were read, or 0 once disposed.</summary>
    /// <exception cref="IOException">The device went away.</exception>
    public int Read(Span<byte> buffer) => _file.Read(buffer);

    /// <summary>Writes all bytes, waiting while the line is paused (XOFF, CTS) up to <paramref name="timeout"/>.</summary>
    /// <exception cref="IOException">The device went away.</exception>
    public bool Write(ReadOnlySpan<byte> bytes, TimeSpan timeout) => _file.WriteAll(bytes, timeout);

    public void Dispose() => _file.Dispose();
}
