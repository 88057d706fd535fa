using Agent.Connectors.Serial.Line;
using Agent.Posix;
using Serilog;

namespace Agent.Connectors.Serial.Tests.Line;

/// <summary>What a serial port path may name: a device to open, one not plugged in yet to wait for, or nothing of the kind.</summary>
public sealed class SerialDeviceTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("agent-serial-");

    public void Dispose() => _directory.Delete(recursive: true);

    public static TheoryData<string> NotDevices => ["/dev/null", "directory", "regular file"];

    private string PathOf(string what)
    {
        if (what.StartsWith('/')) return what;
        var path = Path.Combine(_directory.FullName, what.Replace(' ', '-'));
        if (what == "directory") Directory.CreateDirectory(path);
        else File.WriteAllText(path, "not a tty");
        return path;
    }

    [Theory]
    [MemberData(nameof(NotDevices))]
    public void A_path_to_something_else_is_refused_with_one_line(string what)
    {
        var path = PathOf(what);
        var e = Assert.Throws<NotASerialDeviceException>(() => SerialDevice.Open(path, 115200, Termios.Flow.None));
        Assert.StartsWith($"{path} is not a serial device (", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_path_that_does_not_exist_yet_is_a_device_not_plugged_in()
    {
        Assert.Throws<FileNotFoundException>(() => SerialDevice.Open(Path.Combine(_directory.FullName, "ttyUSB9"), 115200, Termios.Flow.None));
    }

    [Theory]
    [MemberData(nameof(NotDevices))]
    public async Task The_line_ends_at_once_instead_of_waiting_for_it_to_become_a_device(string what)
    {
        var line = new DeviceLine(PathOf(what), 115200, Termios.Flow.None, new LoggerConfiguration().CreateLogger(), TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var run = line.RunAsync(_ => { }, () => { }, () => { }, stop.Token);
        // Generous: a busy machine is slow, but a line that waits would never end by itself.
        await Assert.ThrowsAsync<NotASerialDeviceException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
