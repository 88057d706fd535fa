namespace Agent.IntegrationTests;

/// <summary>
/// What contrib/ ships for running the agent as a service and at the shell: the systemd units pass
/// <c>systemd-analyze verify</c> with no complaint at all (a typo in a key is only a warning there, so any output
/// fails), and the bash completion completes subcommands, options and option values from the real executable.
/// </summary>
public sealed class ContribTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("agent-contrib-");

    public void Dispose() => _directory.Delete(recursive: true);

    private static string Contrib(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "Agent.sln"))) directory = directory.Parent!;
        return Path.Combine(directory.FullName, "contrib", name);
    }

    [Theory]
    [InlineData("agent@.service", "agent@agent_1.service")]
    [InlineData("agent-router@.service", "agent-router@session1.service")]
    public async Task The_unit_verifies_clean(string template, string instance)
    {
        // verify checks that ExecStart's program exists: the built agent stands in for /usr/local/bin/agent.
        var unit = File.ReadAllText(Contrib(template));
        Assert.Contains("ExecStart=/usr/local/bin/agent ", unit);
        var path = Path.Combine(_directory.FullName, instance);
        File.WriteAllText(path, unit.Replace("/usr/local/bin/agent ", AgentProcess.ExecutablePath + " "));
        var result = await Command.RunAsync("systemd-analyze", ["verify", "--man=no", path], TimeSpan.FromSeconds(60));
        Assert.True(result.Succeeded && (result.StandardOutput + result.StandardError).Trim().Length == 0, result.ToString());
    }

    [Theory]
    [InlineData("agent sta", "status")]
    [InlineData("agent status --wa", "--wait\n--watch")]
    [InlineData("agent serial --framing ", "hdlc\nslip")]
    [InlineData("agent capture --log-format j", "json")]
    public async Task Bash_completes_from_the_agent_itself(string line, string expected)
    {
        var words = line.EndsWith(' ') ? [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries), ""] : line.Split(' ');
        var script = $"""
            source '{Contrib("agent.bash")}'
            COMP_LINE='{line}'; COMP_POINT=${"{#COMP_LINE}"}; COMP_WORDS=({string.Join(' ', words.Select(w => $"'{w}'"))}); COMP_CWORD={words.Length - 1}
            _agent
            printf '%s\n' "${"{COMPREPLY[@]}"}" | grep -v '^/' | sort
            """;
        var result = await Command.RunAsync("bash", ["-c", $"PATH='{Path.GetDirectoryName(AgentProcess.ExecutablePath)}':$PATH; {script}"], TimeSpan.FromSeconds(30));
        Assert.Equal(expected, result.EnsureSuccess().StandardOutput.Trim());
    }
}
