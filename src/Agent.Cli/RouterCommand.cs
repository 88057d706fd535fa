using System.CommandLine;
using Agent.Core.Bus;
using Agent.Core.Protocol;
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
        };
        var mode = new Option<string>("--mode")
        {
            Description = "address: a unicast packet goes only to the agent that owns its destination (announced, or agent_N for bbbb::N and 10.2.0.N); hub: every packet to every other agent (the exact ioppytest semantics). agent_TT gets a copy of every packet in both",
            DefaultValueFactory = _ => "address",
        };
        mode.AcceptOnlyFromAmong("address", "hub");
        var links = new Option<string[]>("--link")
        {
            Description = "Agents on one link, comma-separated; repeat for several links. Packets only cross links their sender is on (a node on several links reaches all of them)",
            HelpName = "NAMES",
        };
        var queue = new Option<string>("--queue")
        {
            Description = "Name of the packet queue shared by the router replicas of a session (each packet goes to one replica)",
            DefaultValueFactory = _ => RouterOptions.DefaultSharedQueue,
            HelpName = "NAME",
        };
        var queueType = new Option<string>("--queue-type")
        {
            Description = "classic: the shared packet queue lives on one node and goes with the last replica; quorum: it is replicated over the " +
                          "cluster's nodes (durable, survives the loss of a node, removed a minute after the last replica). Default: quorum when " +
                          "more than one --url is given, else classic. Every replica of a session must use the same",
            HelpName = "classic|quorum",
        };
        queueType.AcceptOnlyFromAmong("classic", "quorum");
        var vhosts = new Option<string[]>("--vhost")
        {
            Description = "Route this session (vhost) of the --url broker instead of the URL's own; repeat it to route several sessions from one " +
                          "process, one connection each",
            HelpName = "VHOST",
        };
        var noTestingTool = new Option<bool>("--no-tt")
        {
            Description = "Send agent_TT (the testing tool's observer) no copies of the session's packets",
        };
        var forgetAfter = new Option<double?>("--forget-after")
        {
            Description = "Forget a learnt agent not heard from for this long (its stats come every 10 s; default 600)",
            HelpName = "SECONDS",
        };
        var maxAgents = new Option<int>("--max-agents")
        {
            Description = "Learn at most this many agents (junk on fromAgent.* cannot grow the table without bound)",
            DefaultValueFactory = _ => RouterOptions.DefaultMaxAgents,
            HelpName = "N",
        };
        var command = new Command("router", """
            Forward the packets the agents of a session publish, as the ioppytest backend does. Run it twice or more for replicas.

            Examples:
              agent router --url amqp://user:pass@broker/session
              agent router --url amqp://user:pass@broker/session --nodes agent_1,agent_2 --mode hub
              agent router --url amqp://user:pass@broker/session --link agent_1,agent_2 --link agent_2,agent_3
              agent router --url amqp://user:pass@broker/session --no-tt        (no testing tool in this session)
              agent router --url amqp://user:pass@node1/session --url amqp://user:pass@node2/session --url amqp://user:pass@node3/session
                                                                               (a cluster: the packet queue is a quorum queue)
              agent router --url amqp://user:pass@broker/ --vhost session1 --vhost session2    (two sessions, one process)
            """);
        foreach (var option in new Option[] { nodes, mode, links, queue, queueType, vhosts, noTestingTool, forgetAfter, maxAgents }) command.Options.Add(option);
        command.SetAction((result, token) => CommandRunner.RunAsync(global, result, "router", token, async (log, cancellationToken) =>
        {
            var seeds = Names(result.GetValue(nodes), "--nodes");
            var linkList = (result.GetValue(links) ?? [])
                .Select(link => (IReadOnlyList<string>)Names([link], "--link").Select(n => n.Value).ToList())
                .ToList();
            if (linkList.Any(l => l.Count < 2)) throw new UsageException("--link needs at least two agents, comma-separated");
            var options = new RouterOptions(seeds, result.GetValue(mode) == "hub" ? RoutingMode.Hub : RoutingMode.Address,
                linkList, result.GetValue(queue)!, CopyToTestingTool: !result.GetValue(noTestingTool),
                ForgetAfter: result.GetValue(forgetAfter) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                MaxAgents: result.GetValue(maxAgents));
            if (options.ForgetAfter is { TotalSeconds: <= 0 }) throw new UsageException("--forget-after must be a positive number of seconds");
            if (options.MaxAgents < 1) throw new UsageException("--max-agents must be at least 1");
            // The router never asks what became of a forward: confirms would only be work for the broker.
            var busOptions = global.Bus(result, "agent router") with { PublisherConfirms = false };
            options = options with { ReplicatedQueue = (result.GetValue(queueType) ?? (busOptions.Nodes.All.Count > 1 ? "quorum" : "classic")) == "quorum" };
            var vhostList = (result.GetValue(vhosts) ?? []).Distinct().ToList();
            if (vhostList.Any(string.IsNullOrWhiteSpace)) throw new UsageException("--vhost needs a name");
            List<(string?, BusOptions)> sessions = vhostList.Count == 0
                ? [(null, busOptions)]
                : [.. vhostList.Select(v => ((string?)v, busOptions.ForVhost(v)))];
            await RouterSessions.RunAsync(sessions, options, global.Stats(result), log, time, cancellationToken);
        }));
        return command;
    }

    private static List<AgentName> Names(string[]? values, string option)
    {
        var names = new List<AgentName>();
        foreach (var text in (values ?? []).SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!AgentName.TryParse(text, out var agent, out var error)) throw new UsageException($"{option}: {error}");
            names.Add(agent.Value);
        }
        return names;
    }
}
