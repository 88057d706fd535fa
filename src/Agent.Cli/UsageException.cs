namespace Agent.Cli;

/// <summary>The command line is wrong: one line saying what to do, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
