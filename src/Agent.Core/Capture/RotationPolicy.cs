namespace Agent.Core.Capture;

/// <summary>
/// When a capture moves on to a new file, and how many files it keeps. As tcpdump's <c>-C</c>: before a packet is
/// written, a file that already holds <see cref="MaxBytes"/> (or <see cref="MaxPackets"/>) is closed and the next
/// numbered one started, so a file exceeds the limit by at most one packet. The first file is the path given; the
/// next ones are numbered: <c>session.pcapng</c>, <c>session-1.pcapng</c>, <c>session-2.pcapng</c>, ...
/// With <see cref="MaxFiles"/>, the oldest file is deleted once there are more.
/// </summary>
public sealed record RotationPolicy(long? MaxBytes = null, long? MaxPackets = null, int? MaxFiles = null)
{
    public static RotationPolicy None { get; } = new();

    public bool Rotates => MaxBytes is not null || MaxPackets is not null;

    /// <summary>Whether the file holding <paramref name="bytes"/> and <paramref name="packets"/> is full; an empty file never is.</summary>
    public bool IsDue(long bytes, long packets) =>
        packets > 0 && (bytes >= MaxBytes || packets >= MaxPackets);

    /// <summary>The path of file number <paramref name="index"/>: the path itself for 0, else the name with <c>-index</c> before the extension.</summary>
    public static string NumberedPath(string path, int index)
    {
        if (index == 0) return path;
        var directory = Path.GetDirectoryName(path) ?? "";
        return Path.Combine(directory, $"{Path.GetFileNameWithoutExtension(path)}-{index}{Path.GetExtension(path)}");
    }
}
