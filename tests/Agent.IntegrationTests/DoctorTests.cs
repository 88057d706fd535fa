using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Agent.IntegrationTests;

/// <summary>
/// <c>agent doctor</c> on this host: everything in order gives one <c>[ ok ]</c> line per check and exit code 0; each
/// failure that can be made here gives its <c>[FAIL]</c> line with a fix and exit code 1: no TUN device (a path that
/// does not exist), a plain user without CAP_NET_ADMIN, IPv6 disabled on new interfaces (in a namespace, where the
/// broker is out of reach too), no <c>ip</c> on PATH, the serial port not openable by that user; a wrong password, a
/// missing vhost, a missing exchange, a missing port; a port another process holds and a name another agent answers to.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class DoctorTests(BrokerFixture broker) : IDisposable
{
    private const string Nobody = "65534";

    private readonly List<int> _fds = [];

    public void Dispose()
    {
        foreach (var fd in _fds) _ = close(fd);
    }

    /// <summary>A fresh pseudo-terminal whose slave (/dev/pts/N, root's, mode 620) nobody has open: a serial port.</summary>
    private string FreePort()
    {
        Assert.Equal(0, openpty(out var master, out var slave, 0, 0, 0));
        var path = new FileInfo($"/proc/self/fd/{slave}").LinkTarget!;
        _ = close(slave);
        _fds.Add(master);
        return path;
    }

    private static async Task<(int Exit, string[] Lines)> DoctorAsync(string[] arguments, string? program = null, Dictionary<string, string>? environment = null)
    {
        await using var doctor = AgentProcess.Start("doctor", program is null ? ["doctor", .. arguments] : arguments, environment ?? [], program);
        var exit = await doctor.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exit, doctor.Lines.ToArray());
    }

    private static void AssertLine(string[] lines, string pattern) =>
        Assert.True(lines.Any(l => Regex.IsMatch(l, pattern)), $"no line /{pattern}/ in:\n{string.Join('\n', lines)}");

    [Fact]
    public async Task All_in_order_is_one_ok_line_per_check_and_exit_code_0()
    {
        var url = await broker.CreateSessionAsync($"doctor-ok-{Environment.ProcessId}");
        var (exit, lines) = await DoctorAsync(["--url", url, "--port", FreePort(), "--name", "agent_9"]);
        Assert.True(exit == 0, string.Join('\n', lines));
        Assert.Equal(11, lines.Count(l => l.StartsWith("[ ok ] ", StringComparison.Ordinal)));
        Assert.Equal("All checks passed.", lines[^1]);
    }

    [Fact]
    public async Task A_plain_user_in_a_namespace_without_ipv6_tun_or_ip_gets_a_fix_for_each()
    {
        await using var ns = await Netns.CreateAsync("agt-doc");
        (await ns.ExecAsync("sysctl", "-w", "net.ipv6.conf.default.disable_ipv6=1")).EnsureSuccess();
        var port = FreePort();
        // ip netns exec, then setpriv to nobody with no capability, PATH without ip.
        var (exit, lines) = await DoctorAsync(
            ["netns", "exec", ns.Name, "/usr/bin/setpriv", $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--inh-caps=-all",
             AgentProcess.ExecutablePath, "doctor", "--url", broker.UrlFor("/"), "--name", "agent_9", "--tun-device", "/nonexistent/tun", "--port", port],
            "ip", new() { ["PATH"] = "/nonexistent" });
        Assert.Equal(1, exit);
        AssertLine(lines, @"^\[FAIL\] TUN device /nonexistent/tun: missing; fix: sudo modprobe tun");
        AssertLine(lines, @"^\[FAIL\] CAP_NET_ADMIN .*: not held by user .*; fix: run agent tun as root");
        AssertLine(lines, @"^\[FAIL\] IPv6: disabled \(net.ipv6.conf.default.disable_ipv6 = 1: new interfaces get no IPv6 address\); fix: sudo sysctl -w");
        AssertLine(lines, @"^\[FAIL\] the ip command .*: not found on PATH; fix: sudo apt-get install iproute2");
        // The namespace has a loopback of its own: the broker on the host's is out of reach.
        AssertLine(lines, @"^\[FAIL\] broker localhost:\d+ reachable: .*; fix: check the host and port in --url");
        AssertLine(lines, @"^\[skip\] name agent_9 free in the session: not checked: the broker is unreachable");
        AssertLine(lines, $@"^\[ ok \] serial port {port} present");
        AssertLine(lines, $@"^\[FAIL\] {port} openable by user .*: permission denied; fix: sudo usermod -aG dialout");
        Assert.Matches(@"^\d+ checks failed\.$", lines[^1]);
    }

    [Fact]
    public async Task Broker_failures_each_say_what_to_do()
    {
        var (exit, lines) = await DoctorAsync(["--url", broker.UrlFor("/").Replace("guest:guest", "guest:wrong", StringComparison.Ordinal)]);
        Assert.Equal(1, exit);
        AssertLine(lines, @"^\[FAIL\] login and vhost of amqp://guest:\*\*\*@.*: login refused .*; fix: check the user and password");
        AssertLine(lines, @"^\[skip\] exchange amq.topic: not checked: no connection");

        (exit, lines) = await DoctorAsync(["--url", broker.UrlFor($"no-such-vhost-{Environment.ProcessId}")]);
        Assert.Equal(1, exit);
        AssertLine(lines, @"^\[FAIL\] login and vhost of .*: .*vhost.*; fix: on the broker: rabbitmqctl add_vhost VHOST");

        var url = await broker.CreateSessionAsync($"doctor-broker-{Environment.ProcessId}");
        (exit, lines) = await DoctorAsync(["--url", url, "--exchange", "no-such-exchange", "--port", "/nonexistent/ttyUSB0"]);
        Assert.Equal(1, exit);
        AssertLine(lines, @"^\[ ok \] login and vhost of .* accepted");
        AssertLine(lines, @"^\[FAIL\] exchange no-such-exchange: missing .*; fix: give the session's exchange with --exchange");
        AssertLine(lines, @"^\[FAIL\] serial port /nonexistent/ttyUSB0: missing; fix: plug the mote in");
    }

    [Fact]
    public async Task A_port_and_a_name_another_agent_holds_are_both_failures()
    {
        var url = await broker.CreateSessionAsync($"doctor-name-{Environment.ProcessId}");
        var port = FreePort();
        await using var agent = AgentProcess.Start("agent_8", "serial", "--url", url, "--name", "agent_8", "--port", port);
        await agent.WaitForLineAsync($"Opened {Regex.Escape(port)}");
        var (exit, lines) = await DoctorAsync(["--url", url, "--port", port, "--name", "agent_8"]);
        Assert.Equal(1, exit);
        AssertLine(lines, $@"^\[FAIL\] {port} not open in another process: open in process {agent.Id} \(agent\); fix: stop it");
        AssertLine(lines, @"^\[FAIL\] name agent_8 free in the session: an agent named agent_8 runs in this session .*; fix: pick another --name");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int openpty(out int master, out int slave, nint name, nint termios, nint winsize);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
