using System.CommandLine;
using Agent.Connectors.Serial.Line;
using Agent.Core.Protocol;

namespace Agent.Cli.Doctor;

/// <summary>
/// <c>agent doctor</c>: a checklist of what the agent needs here, one line per check and the fix for each failure;
/// exit code 0 only when every check passes.
/// </summary>
public static class DoctorCommand
{
    public static Command Create(GlobalOptions global)
    {
        var port = new Option<string?>("--port")
        {
            Description = "Also check this serial port (a device, tcp://HOST:PORT or rfc2217://HOST:PORT): present, openable by you, open in no other process",
            HelpName = "DEVICE",
        };
        var name = new Option<string?>("--name")
        {
            Description = "Also check that no agent of this name runs in the session (none answers its stats)",
            HelpName = "NAME",
        };
        // Where the TUN device is looked for: /dev/net/tun; another path for tests.
        var tunDevice = new Option<string>("--tun-device") { DefaultValueFactory = _ => "/dev/net/tun", Hidden = true };
        var command = new Command("doctor", """
            Check what the agent needs on this host and in the session, one line per check; each failure comes with its fix.
            Host: /dev/net/tun, CAP_NET_ADMIN (or root), IPv6 enabled (also on new interfaces), the ip command. Broker: reachable,
            login and vhost accepted, the exchange present. With --port: the serial port present, openable, not held by another
            process (ModemManager). With --name: no other agent of that name in the session. Exit code 0 only when all pass.

            Examples:
              sudo agent doctor --url amqp://user:pass@broker/session
              agent doctor --url-file /etc/agent/agent_3.url --port /dev/ttyUSB0 --name agent_3
              agent doctor --url amqp://user:pass@broker/session --port tcp://m3-10.grenoble.iot-lab.info:20000
            """);
        foreach (var option in new Option[] { port, name, tunDevice }) command.Options.Add(option);
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var busOptions = global.Bus(result, "agent doctor");
                AgentName? agentName = null;
                if (result.GetValue(name) is { } text && !AgentName.TryParse(text, out agentName, out var nameError))
                    throw new UsageException($"--name: {nameError}");
                LineAddress? line = null;
                if (result.GetValue(port) is { } portText && !LineAddress.TryParse(portText, out line, out var portError))
                    throw new UsageException($"--port: {portError}");

                var failed = 0;
                async Task SayAsync(IEnumerable<Check> checks)
                {
                    foreach (var check in checks)
                    {
                        if (!check.Passed) failed++;
                        await Console.Out.WriteLineAsync(check.ToString());
                    }
                }
                await SayAsync(HostChecks.Run(result.GetValue(tunDevice)!));
                await SayAsync(await BrokerChecks.RunAsync(busOptions, agentName, cancellationToken));
                if (line is not null) await SayAsync(await SerialChecks.RunAsync(line, cancellationToken));
                await Console.Out.WriteLineAsync(failed == 0 ? "All checks passed." : $"{failed} {(failed == 1 ? "check" : "checks")} failed.");
                return failed == 0 ? 0 : 1;
            }
            catch (UsageException e)
            {
                await Console.Error.WriteLineAsync($"agent doctor: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
