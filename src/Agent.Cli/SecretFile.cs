namespace Agent.Cli;

/// <summary>
/// A file that holds a secret (the session URL with its password, a private key): read it, and warn when other users
/// may read it too. A warning rather than a refusal, because secrets mounted into containers are often world-readable
/// by default, where nobody else is there to read them.
/// </summary>
public static class SecretFile
{
    private const UnixFileMode OthersMayRead = UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>The URL in the file: its first line that is not blank, trimmed.</summary>
    /// <exception cref="UsageException">The file cannot be read or holds no line.</exception>
    public static string ReadUrl(string path, List<string> warnings) =>
        ReadLine(path, "--url-file", "the session URL (amqp://user:password@host/vhost)", warnings);

    /// <summary>The secret in the file given to <paramref name="option"/>: its first line that is not blank, trimmed.</summary>
    /// <exception cref="UsageException">The file cannot be read or holds no line.</exception>
    public static string ReadLine(string path, string option, string what, List<string> warnings)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: cannot read {path}: {e.Message}");
        }
        WarnIfShared(path, option, warnings);
        return text.Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.Length > 0)
            ?? throw new UsageException($"{option}: {path} is empty; write {what} on its first line");
    }

    /// <summary>Adds a warning when users other than the owner may read <paramref name="path"/>.</summary>
    public static void WarnIfShared(string path, string option, List<string> warnings)
    {
        if (OperatingSystem.IsWindows()) return; // no Unix modes there: ACLs, which this check does not read
        var mode = File.GetUnixFileMode(path);
        if ((mode & OthersMayRead) != 0)
            warnings.Add($"{option} {path} may be read by other users (mode {Convert.ToString((int)mode, 8)}); chmod 600 it");
    }
}
