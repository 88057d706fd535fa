namespace FirmwareSim;

/// <summary>A command-line value that cannot be used; its message is the one line the user sees (exit code 2).</summary>
public sealed class UsageException(string message) : Exception(message);
