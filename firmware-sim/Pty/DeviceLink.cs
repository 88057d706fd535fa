namespace FirmwareSim.Pty;

/// <summary>
/// The stable name (--link, e.g. /tmp/mote0) that points at the current pseudo-terminal, as udev's
/// /dev/serial/by-id names point at a USB serial adapter.
/// </summary>
public sealed class DeviceLink(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>Points the link at <paramref name="devicePath"/>, replacing an earlier (or stale) link atomically.</summary>
    public void PointAt(string devicePath)
    {
        var existing = new FileInfo(Path);
        if (existing.Exists && existing.LinkTarget is null)
            throw new PtyException($"--link {Path} exists and is not a symbolic link; remove it or choose another path");
        if (Directory.Exists(Path) && new DirectoryInfo(Path).LinkTarget is null)
            throw new PtyException($"--link {Path} is a directory; choose a file path such as /tmp/mote0");

        // symlink to a temporary name, then rename over the link: the agent never sees the name missing.
        var temporary = $"{Path}.{Environment.ProcessId}.tmp";
        File.Delete(temporary);
        if (Libc.Symlink(devicePath, temporary) != 0)
            throw new PtyException($"cannot create the link {temporary}: {Libc.LastError()} (is its directory writable?)");
        if (Libc.Rename(temporary, Path) != 0)
        {
            var error = Libc.LastError();
            File.Delete(temporary);
            throw new PtyException($"cannot create the link {Path}: {error}");
        }
    }

    /// <summary>Removes the link if it still points at <paramref name="devicePath"/> (another mote may have taken the name).</summary>
    public void Remove(string devicePath)
    {
        try
        {
            var link = new FileInfo(Path);
            if (link.LinkTarget == devicePath) link.Delete();
        }
        catch (IOException)
        {
            // Gone already, or not ours to remove.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
