namespace Agent.IntegrationTests;

/// <summary>
/// A network namespace owned by one test: created fresh (a leftover of a crashed run is removed
/// first), its name suffixed with the process id so parallel runs never collide, deleted on dispose.
/// </summary>
public sealed class Netns : IAsyncDisposable
{
    private Netns(string name)
    {
        Name = name;
    }

    public string Name { get; }

    /// <summary>Creates namespace "<paramref name="prefix"/>-PID" with its loopback up.</summary>
    public static async Task<Netns> CreateAsync(string prefix)
    {
        string name = $"{prefix}-{Environment.ProcessId}";
        await Command.RunAsync("ip", "netns", "del", name); // leftover of an earlier crash; failure is fine
        (await Command.RunAsync("ip", "netns", "add", name)).EnsureSuccess();
        var netns = new Netns(name);
        (await netns.IpAsync("link", "set", "dev", "lo", "up")).EnsureSuccess();
        return netns;
    }

    /// <summary>Runs <c>ip -n NAME arguments</c>.</summary>
    public Task<CommandResult> IpAsync(params string[] arguments) =>
        Command.RunAsync("ip", ["-n", Name, .. arguments], Command.DefaultTimeout);

    /// <summary>Runs a program inside the namespace (<c>ip netns exec NAME program arguments</c>).</summary>
    public Task<CommandResult> ExecAsync(string program, params string[] arguments) =>
        ExecAsync(Command.DefaultTimeout, program, arguments);

    public Task<CommandResult> ExecAsync(TimeSpan timeout, string program, params string[] arguments) =>
        Command.RunAsync("ip", ["netns", "exec", Name, program, .. arguments], timeout);

    public async ValueTask DisposeAsync()
    {
        await Command.RunAsync("ip", "netns", "del", Name);
    }
}
