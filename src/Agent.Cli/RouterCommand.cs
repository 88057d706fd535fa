using System.CommandLine;
using Agent.Core.Bus;
using Agent.Core.Protocol;
using Agent.Core.Relay;
using Agent.Core.Routing;

namespace Agent.Cli;

/// <summary><c>agent router</c>: the backend packet router of a session (PROTOCOL.md 6).</summary>
public static class RouterCommand
{
    public static Command Create(GlobalOptions global, TimeProvider time)
    {
        var nodes = new Option<string[]>("--nodes")
        {
            Description = "Agents known from the start, comma-separated (others are learned from what they publish)",
            HelpName = "NAMES",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("router", """
            Forward every packet an agent of the session publishes to every other agent (and agent_TT), as the ioppytest backend does.

            Examples:
              agent router --url amqp://user:pass@broker/session
              agent router --url amqp://user:pass@broker/session --nodes agent_1,agent_2
            """);
        command.Options.Add(nodes);
        command.SetAction((result, cancellationToken) => CommandRunner.RunAsync(global, result, "router", async log =>
        {
            var seeds = new List<AgentName>();
            foreach (var text in (result.GetValue(nodes) ?? []).SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                if (!AgentName.TryParse(text, out var agent, out var error)) throw new UsageException($"--nodes: {error}");
                seeds.Add(agent.Value);
            }
            var busOptions = global.Bus(result, "agent router");
            await using var bus = await RabbitMqBus.ConnectAsync(busOptions, log, time, cancellationToken);
            using var packetLog = new PacketLog(log, time);
            await new PacketRouter(bus, seeds, log, packetLog, time).RunAsync(cancellationToken);
        }));
        return command;
    }
}
