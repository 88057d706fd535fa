namespace Agent.IntegrationTests;

/// <summary>What a finished external command printed and returned.</summary>
public sealed record CommandResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Throws with the command line and its stderr unless it exited with 0.</summary>
    public CommandResult EnsureSuccess() =>
        Succeeded ? this : throw new InvalidOperationException($"{CommandLine} exited with {ExitCode}: {StandardError.Trim()}");

    public override string ToString() => $"{CommandLine} -> {ExitCode}\n{StandardOutput}{StandardError}";
}
