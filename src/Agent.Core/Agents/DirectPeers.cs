using System.Threading.Channels;
using Serilog;
using Agent.Core.Bus;
using Agent.Core.Protocol;
using Agent.Core.Stats;

namespace Agent.Core.Agents;

/// <summary>
/// The peers a router-less agent (<c>--direct</c>) takes packets from, learnt from what names them on the bus: an
/// announcement of its kind (<c>fromAgent.X.ip.tun.started</c>, the original agent's too), an agent's stats
/// (<c>fromAgent.X.stats</c>, which every agent of ours publishes when asked and every interval) and a router's list of
/// the agents it knows (<c>router.stats</c>, which names original agents that announced before this one started).
/// Each new peer's uplink key is bound to the agent's queue, one key per peer, so the broker never sends the agent its
/// own packets (a wildcard binding would: every packet twice, once to be thrown away). Bindings are never undone: a
/// peer that left costs nothing. At most <see cref="MaxPeers"/>.
/// </summary>
public sealed class DirectPeers
{
    /// <summary>As many agents as a router keeps (<see cref="Routing.AgentTable"/>).</summary>
    public const int MaxPeers = 1000;

    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private readonly AgentName _self;
    private readonly AgentTopics _topics;
    private readonly IMessageBus _bus;
    private readonly ILogger _log;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly Channel<string> _toBind = Channel.CreateUnbounded<string>(); // at most MaxPeers ever enter
    private bool _full;

    public DirectPeers(AgentName self, AgentTopics topics, IMessageBus bus, ILogger log)
    {
        _bus = bus;
        _self = self;
        _topics = topics;
        _log = log;
    }

    /// <summary>What the agent binds besides its own keys, to hear of its peers.</summary>
    public IReadOnlyList<string> LearningKeys => [StatsKeys.AllAgents, StatsKeys.Router, _topics.AllStarted];

    /// <summary>
    /// Learns the peers a message names. True when the message is on a key bound only to learn peers (another agent's
    /// stats, a router's): nothing else is to be done with it. An announcement teaches its agent and is handled as well.
    /// </summary>
    public bool Learn(string routingKey, ReadOnlySpan<byte> body)
    {
        if (routingKey == StatsKeys.Router)
        {
            if (RouterStats.TryParse(body) is { } router)
                foreach (var agent in router.Agents) Add(agent);
            return true;
        }
        if (routingKey.EndsWith(StatsSuffix, StringComparison.Ordinal))
        {
            // An agent's stats name it in the key and in the body: both must agree, as the router asks of them.
            if (Topics.TryParseFromAgent(routingKey, out var name, out var rest) && rest == "stats" && AgentStats.TryParse(body)?.Name == name)
                Add(name);
            return true;
        }
        if (_topics.AnnouncerOf(routingKey) is { } announcer && Wire.TryParseObject(body) is not null) Add(announcer);
        return false;
    }

    private const string StatsSuffix = ".stats";

    private void Add(string agent)
    {
        if (agent == _self.Value || !AgentName.TryParse(agent, out _, out _)) return;
        lock (_known)
        {
            if (_known.Contains(agent)) return;
            if (_known.Count >= MaxPeers)
            {
                if (!_full) _log.Warning("Already taking the packets of {Max} agents: {Agent}'s and any more are not taken", MaxPeers, agent);
                _full = true;
                return;
            }
            _known.Add(agent);
        }
        _toBind.Writer.TryWrite(agent);
    }

    /// <summary>
    /// Asks who is there (every agent of ours answers with its stats, every router with the agents it knows), at once and
    /// after each reconnect (peers that came meanwhile), and binds each peer's uplink key to <paramref name="queue"/> as
    /// it is learnt, until cancelled. A binding the broker could not take now (the connection is down, the queue is
    /// being declared again) is tried again a second later.
    /// </summary>
    public async Task RunAsync(IBusSubscription queue, CancellationToken cancellationToken)
    {
        void OnReconnected() => _ = AskAsync(cancellationToken);
        _bus.Reconnected += OnReconnected;
        try
        {
            await AskAsync(cancellationToken);
            await foreach (var agent in _toBind.Reader.ReadAllAsync(cancellationToken))
                await BindAsync(queue, agent, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _bus.Reconnected -= OnReconnected;
        }
    }

    private async Task AskAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _bus.TryPublishAsync(StatsKeys.Request, StatsKeys.RequestBody(_self.Value), cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task BindAsync(IBusSubscription queue, string agent, CancellationToken cancellationToken)
    {
        var key = _topics.UpOf(agent);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await queue.BindAsync(key, cancellationToken);
                _log.Information("Taking {Agent}'s packets from {Key}", agent, key);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (attempt == 1) _log.Warning("Could not bind {Key} yet ({Reason}); trying again every second", key, e.Message);
                await Task.Delay(RetryAfter, cancellationToken);
            }
        }
    }
}
