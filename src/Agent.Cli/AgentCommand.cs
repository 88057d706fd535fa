using System.CommandLine;
using Agent.Cli.Doctor;

namespace Agent.Cli;

/// <summary>The <c>agent</c> command and its subcommands.</summary>
public static class AgentCommand
{
    public static RootCommand Create(TimeProvider time)
    {
        var global = new GlobalOptions();
        var root = new RootCommand("""
            Connects IoT implementations to each other and to an F-Interop / ioppytest testing backend over RabbitMQ.

            Examples:
              sudo agent tun --url amqp://user:pass@broker/session --name agent_1
              agent serial --port /dev/ttyUSB0 --baud 115200 --name agent_3 --url amqp://user:pass@broker/session
              agent router --url amqp://user:pass@broker/session
              agent capture --url amqp://user:pass@broker/session --write session.pcapng
              agent status --url amqp://user:pass@broker/session --watch
              agent status --url amqps://user:pass@broker/session --tls-ca session-ca.pem
              agent doctor --url amqp://user:pass@broker/session --port /dev/ttyUSB0 --name agent_3
              agent dashboard --url amqp://user:pass@broker/session --listen 127.0.0.1:8080
            """);
        global.AddTo(root);
        root.Subcommands.Add(TunCommand.Create(global, time));
        root.Subcommands.Add(SerialCommand.Create(global, time));
        root.Subcommands.Add(RouterCommand.Create(global, time));
        root.Subcommands.Add(CaptureCommand.Create(global, time));
        root.Subcommands.Add(StatusCommand.Create(global, time));
        root.Subcommands.Add(DoctorCommand.Create(global));
        root.Subcommands.Add(DashboardCommand.Create(global, time));
        return root;
    }
}
