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
    private readonly ILogger _log;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly Channel<string> _toBind = Channel.CreateUnbounded<string>(); // at most MaxPeers ever enter
    private bool _full;

    public DirectPeers(AgentName self, AgentTopics topics, ILogger log)
    {
        _self = self;
        _topics = topics;
        _log = log;
    }

    /// <summary>What the agent binds besides its own keys, to hear of its peers.</summary>
    public IReadOnlyList<string> LearningKeys => [StatsKeys.AllAgents, StatsKeys.Router, _topics.AllStarted];

    /// <summary>The peers learnt so far.</summary>
    public int Count
    {
        get
        {
            lock (_known) return _known.Count;
        }
    }

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
        if (Topics.TryParseFromAgent(routingKey, out var name, out var rest) && rest == "stats")
        {
            if (AgentStats.TryParse(body) is not null) Add(name);
            return true;
        }
        if (_topics.AnnouncerOf(routingKey) is { } announcer && Wire.TryParseObject(body) is not null) Add(announcer);
        return false;
    }

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
    /// Binds each peer's uplink key to <paramref name="queue"/> as it is learnt, until cancelled. A binding the broker
    /// could not take now (the connection is down) is tried again a second later.
    /// </summary>
    public async Task BindAsync(IBusSubscription queue, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var agent in _toBind.Reader.ReadAllAsync(cancellationToken))
            {
                var key = _topics.UpOf(agent);
                while (true)
                {
                    try
                    {
                        await queue.BindAsync(key, cancellationToken);
                        _log.Information("Taking {Agent}'s packets from {Key}", agent, key);
                        break;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        _log.Warning("Could not bind {Key} yet ({Reason}); trying again", key, e.Message);
                        await Task.Delay(RetryAfter, cancellationToken);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
