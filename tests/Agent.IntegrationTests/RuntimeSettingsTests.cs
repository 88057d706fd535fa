using System.Text.Json.Nodes;

namespace Agent.IntegrationTests;

/// <summary>
/// The runtime settings baked into our executables (Runtime.props, issue 11): a user starting `agent` or
/// `firmware-sim` gets them without knowing an environment variable.
/// </summary>
public sealed class RuntimeSettingsTests
{
    [Theory]
    [InlineData("agent")]
    [InlineData("firmware-sim")]
    public void The_executables_runtimeconfig_turns_off_thread_pool_spinning_and_keeps_the_background_gc(string program)
    {
        // The built apphosts' runtimeconfig (a Native AOT build has the same settings compiled in as runtime knobs).
        var path = AgentProcess.Built(program == "agent" ? "src/Agent.Cli" : "firmware-sim", program) + ".runtimeconfig.json";
        var settings = JsonNode.Parse(File.ReadAllText(path))!["runtimeOptions"]!["configProperties"]!;
        Assert.Equal(0, settings["System.Threading.ThreadPool.UnfairSemaphoreSpinLimit"]!.GetValue<int>());
        // Without background GC the young generation may grow to 200 MB under a flood (60-71 MB peak RSS against 46-48).
        Assert.True(settings["System.GC.Concurrent"]!.GetValue<bool>());
        Assert.False(settings["System.GC.Server"]!.GetValue<bool>());
        Assert.True(settings["System.Globalization.Invariant"]!.GetValue<bool>());
    }
}
