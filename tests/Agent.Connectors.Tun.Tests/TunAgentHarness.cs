using System.Text.Json.Nodes;
using Agent.Core.Addressing;
using Agent.Core.Agents;
using Agent.Core.Connectors;
using Agent.Core.Protocol;
using Agent.Core.Relay;
using Agent.Testing;

namespace Agent.Connectors.Tun.Tests;

/// <summary>One TUN agent over an in-memory interface and a fake bus; what it opened and counted.</summary>
public abstract class TunAgentHarness
{
    protected readonly FakeBus _bus = new();
    protected readonly TrafficCounters _counters = new();
    protected readonly List<TunSettings> _opened = [];
    protected MemoryConnector? _device;
    protected MemoryTun? _tun;
    protected CollectingSink? _log;

    protected SessionAgent Agent(string name, AddressOptions? options = null, TimeSpan? startTimeout = null, OpenInterface? open = null,
        bool direct = false)
    {
        (var log, _log) = CollectingSink.Logger();
        open ??= (settings, _) =>
        {
            _opened.Add(settings);
            _device = new MemoryConnector();
            _tun = new MemoryTun(_device);
            return Task.FromResult<ITunInterface>(_tun);
        };
        var agentName = AgentName.Parse(name);
        return new SessionAgent(agentName, new TunKind(agentName, options ?? new AddressOptions(), open, log), _bus,
            new AgentOptions(TimeSpan.Zero, startTimeout, Direct: direct), _counters, new PacketLog(log, TimeProvider.System), log, TimeProvider.System);
    }

    protected static JsonObject Json(byte[] body) => JsonNode.Parse(body)!.AsObject();
}
