using System.Text.RegularExpressions;

namespace Agent.IntegrationTests;

/// <summary>`agent serial` and what it must not take at face value: a port that is no serial device, a mote's text.</summary>
[Collection(SystemCollection.Name)]
public sealed class SerialInputTests(BrokerFixture broker)
{
    [Theory]
    [InlineData("/dev/null", "null")]
    [InlineData("/tmp", "directory")]
    [InlineData("regular file", "file")]
    public async Task A_port_that_is_no_serial_device_ends_the_agent_with_one_clear_line(string port, string label)
    {
        var url = await broker.CreateSessionAsync($"notatty-{label}-{Environment.ProcessId}");
        var file = port == "regular file" ? Path.GetTempFileName() : null;
        try
        {
            await using var agent = AgentProcess.Start("agent_3", "serial", "--url", url, "--name", "agent_3", "--port", file ?? port);
            // It waited for ever before; a generous bound for a busy machine.
            Assert.Equal(1, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            var error = Assert.Single(agent.Lines, l => l.StartsWith("stderr:", StringComparison.Ordinal));
            Assert.StartsWith($"stderr: agent serial: {file ?? port} is not a serial device (", error);
            Assert.DoesNotContain(agent.Lines, l => l.Contains("Waiting for"));
        }
        finally
        {
            if (file is not null) File.Delete(file);
        }
    }

    [Fact]
    public async Task A_port_that_does_not_exist_yet_is_still_waited_for()
    {
        var url = await broker.CreateSessionAsync($"notyet-{Environment.ProcessId}");
        var port = $"/tmp/agent-mote-notyet-{Environment.ProcessId}";
        await using var agent = AgentProcess.Start("agent_3", "serial", "--url", url, "--name", "agent_3", "--port", port);
        await agent.WaitForLineAsync($"Waiting for {Regex.Escape(port)}");
        await using var mote = AgentProcess.StartMote("mote", "--link", port, "--address", "bbbb::3");
        await agent.WaitForLineAsync($"Opened {Regex.Escape(port)}");
        Assert.Equal(0, (await agent.StopAsync()).ExitCode);
    }

    [Fact]
    public async Task A_motes_text_is_logged_line_by_line_with_its_control_characters_escaped()
    {
        var url = await broker.CreateSessionAsync($"motetext-{Environment.ProcessId}");
        var link = $"/tmp/agent-mote-text-{Environment.ProcessId}";
        // A mote that tries to forge a log line of the agent's, clear the operator's screen and ring the bell.
        await using var mote = AgentProcess.StartMote("mote", "--link", link, "--address", "bbbb::3", "--text-every", "1",
            "--text", "booted\n00:00:00.000 ERR Broker connection lost\u001b[2J\a");
        await mote.WaitForLineAsync(Regex.Escape(link));
        await using var agent = AgentProcess.Start("agent_3", "serial", "--url", url, "--name", "agent_3", "--port", link);

        await agent.WaitForLineAsync(@"says: 00:00:00\.000 ERR Broker connection lost\\x1b\[2J\\x07$");
        Assert.Contains(agent.Lines, l => l.EndsWith($"{link} says: booted", StringComparison.Ordinal));
        Assert.DoesNotContain(agent.Lines, l => l.StartsWith("00:00:00.000", StringComparison.Ordinal));
        Assert.DoesNotContain(agent.Lines, l => l.Any(char.IsControl));
        Assert.Equal(0, (await agent.StopAsync()).ExitCode);
    }
}
