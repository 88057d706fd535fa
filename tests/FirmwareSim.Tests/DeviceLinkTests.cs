using FirmwareSim.Pty;

namespace FirmwareSim.Tests;

public sealed class DeviceLinkTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("firmware-sim-link-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Replaces_a_stale_link_and_removes_only_its_own()
    {
        var path = Path.Combine(_directory, "mote0");
        File.CreateSymbolicLink(path, "/dev/pts/does-not-exist");
        var link = new DeviceLink(path);

        link.PointAt("/dev/null");
        Assert.Equal("/dev/null", new FileInfo(path).LinkTarget);
        Assert.Single(Directory.GetFileSystemEntries(_directory));

        link.Remove("/dev/zero");
        Assert.True(Path.Exists(path));
        link.Remove("/dev/null");
        Assert.False(Path.Exists(path));
    }

    [Fact]
    public void Refuses_to_replace_a_regular_file()
    {
        var path = Path.Combine(_directory, "notes.txt");
        File.WriteAllText(path, "keep me");
        Assert.Throws<PtyException>(() => new DeviceLink(path).PointAt("/dev/null"));
        Assert.Equal("keep me", File.ReadAllText(path));
    }
}
