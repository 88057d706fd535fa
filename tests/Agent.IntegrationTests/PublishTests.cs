using System.Text.RegularExpressions;

namespace Agent.IntegrationTests;

/// <summary>
/// scripts/publish.sh's linux-arm64 single-file executables (the Raspberry Pi next to a mote), run on this x64
/// machine under Debian's qemu-user-static with the arm64 C library of libc6-arm64-cross: <c>--version</c>, then a
/// simulated mote and <c>agent serial</c>, both arm64, talking over a pty and the session broker (the mote asks for its
/// prefix, tunslip6's ?P, and the agent answers it). One test: publishing takes minutes and qemu is slow. Outside the
/// system collection (it only reads the broker's address), so that it runs beside the other tests.
/// </summary>
public sealed class PublishTests(BrokerFixture broker) : IClassFixture<BrokerFixture>, IDisposable
{
    private static readonly Dictionary<string, string> Qemu = new() { ["QEMU_LD_PREFIX"] = "/usr/aarch64-linux-gnu" };

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("agent-publish-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task The_arm64_executables_run_a_serial_session_under_qemu()
    {
        var output = Path.Combine(_directory.FullName, "out");
        var publish = await Command.RunAsync("bash", ["-c", $"OUT='{output}' bash '{Path.Combine(broker.RepoRoot, "scripts", "publish.sh")}' linux-arm64"],
            TimeSpan.FromMinutes(15));
        publish.EnsureSuccess();
        var (agent, mote) = (Path.Combine(output, "linux-arm64", "agent"), Path.Combine(output, "linux-arm64", "firmware-sim"));
        Assert.Equal([0x7f, (byte)'E', (byte)'L', (byte)'F'], File.ReadAllBytes(agent)[..4]);
        Assert.Equal(0xB7, File.ReadAllBytes(agent)[18]); // e_machine EM_AARCH64: not an x64 binary that happens to run

        var version = await Command.RunAsync("bash", ["-c", $"QEMU_LD_PREFIX=/usr/aarch64-linux-gnu qemu-aarch64-static '{agent}' --version"],
            TimeSpan.FromMinutes(2));
        Assert.StartsWith("0.1.0", version.EnsureSuccess().StandardOutput.Trim());

        var url = await broker.CreateSessionAsync($"publish-arm64-{Environment.ProcessId}");
        var link = Path.Combine(_directory.FullName, "mote");
        var slow = TimeSpan.FromMinutes(2); // a JIT under qemu: seconds per start
        await using var router = AgentProcess.Start("router", "router", "--url", url);
        await router.WaitForLineAsync("Routing");
        await using var sim = AgentProcess.Start("mote", [mote, "--link", link, "--framing", "slip", "--payload", "ip", "--mac", "14:15:92:cc:00:00:00:03"],
            Qemu, "qemu-aarch64-static");
        await sim.WaitForLineAsync(Regex.Escape(link), slow);
        await using var agent3 = AgentProcess.Start("agent_3", [agent, "serial", "--url", url, "--name", "agent_3", "--port", link], Qemu, "qemu-aarch64-static");
        await agent3.WaitForLineAsync($"Opened {Regex.Escape(link)}", slow);
        await agent3.WaitForLineAsync("asked for its prefix; sent bbbb::/64", slow);
        // Not asserted: the exit code after SIGTERM. qemu-user delivers it to the emulated process by its own means,
        // and the runtime's handler does not get to run there (143); on a real arm64 machine it exits 0 as on x64.
        await agent3.StopAsync(slow);
    }
}
