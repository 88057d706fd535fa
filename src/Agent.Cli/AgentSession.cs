using System.CommandLine;
using Serilog;
using Agent.Core.Agents;
using Agent.Core.Bus;
using Agent.Core.Protocol;
using Agent.Core.Relay;

namespace Agent.Cli;

/// <summary>What <c>agent tun</c> and <c>agent serial</c> share once their options are read: connect, run the one agent, stop.</summary>
public static class AgentSession
{
    /// <summary><c>--direct</c>, which both agent commands take.</summary>
    public static Option<bool> DirectOption() => new("--direct")
    {
        Description = "Router-less: take the other agents' packets straight from their uplink keys (fromAgent.<peer>.…, bound as each peer is learnt), one broker hop instead of two; for sessions without the ioppytest router",
    };

    /// <summary><c>--no-confirm</c>, which both agent commands take.</summary>
    public static Option<bool> NoConfirmOption() => new("--no-confirm")
    {
        Description = "Publish packets without the broker's confirms: less work for the broker and the agent (the fastest --direct sessions); 'up' then counts what was written to the broker, and packets lost with a connection go uncounted",
    };

    /// <summary><c>--force</c>, which both agent commands take.</summary>
    public static Option<bool> ForceOption() => new("--force")
    {
        Description = "Run even if another agent of this name is in the session (both then get the same packets); by default the second one refuses to start",
    };

    public static async Task RunAsync(AgentName name, BusOptions busOptions, AgentOptions options, IAgentKind kind,
        ILogger log, TimeProvider time, CancellationToken cancellationToken)
    {
        var counters = new TrafficCounters();
        if (!busOptions.PublisherConfirms)
            log.Information("Publishing without the broker's confirms (--no-confirm): up counts packets written to the broker");
        await using var bus = await RabbitMqBus.ConnectAsync(busOptions, log, time, cancellationToken);
        using var packetLog = new PacketLog(log, time);
        var agent = new SessionAgent(name, kind, bus, options, counters, packetLog, log, time);
        await agent.RunAsync(cancellationToken);
    }
}
