using System.Text.Json.Nodes;
using Agent.Core.Connectors;
using Agent.Core.Drops;
using Agent.Core.Protocol;
using Agent.Core.Stats;

namespace Agent.Core.Agents;

/// <summary>
/// What differs between a TUN agent and a serial agent, living in its connector project: its topics, how to open its
/// device, and what to announce. Everything else about an agent's life on the bus is <see cref="SessionAgent"/>'s.
/// </summary>
public interface IAgentKind
{
    /// <summary><c>tun</c> or <c>serial</c>: the <c>kind</c> of the stats body.</summary>
    string Name { get; }

    AgentTopics Topics { get; }

    /// <summary>How many downlink frames may wait for the device before more are dropped (a serial line is slow).</summary>
    int DownlinkCapacity { get; }

    /// <summary>A line saying what the agent waits for while it has nothing to announce.</summary>
    string Waiting { get; }

    /// <summary>The device to run from the start, or null to wait for a start message.</summary>
    /// <exception cref="Exception">The device could not be opened: the agent ends with it.</exception>
    Task<IConnector?> OpenAtStartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A start message came while no device was open: opens the device it asks for, or says why it cannot (the message
    /// is dropped and the agent keeps waiting). What the message asked for and the system refused is such a refusal.
    /// </summary>
    /// <exception cref="Exception">The device could not be opened whatever the message says (no permission): the agent ends with it.</exception>
    Task<OpenResult> OpenOnStartAsync(JsonObject start, CancellationToken cancellationToken) =>
        Task.FromResult(OpenResult.Refused(new Drop(DropReason.BadControl, "this agent opens its device at start")));

    /// <summary>
    /// The device is open and its frames are relayed from now on, both ways: the place for the line that says the agent
    /// is up, so that whoever waits for that line can send at once.
    /// </summary>
    void Relaying() { }

    /// <summary>The body to publish on <see cref="AgentTopics.Started"/> now, or null while there is nothing to say yet.</summary>
    byte[]? Announcement();

    /// <summary>The device's addresses for the stats (or its port, for 802.15.4).</summary>
    IReadOnlyList<string> Addresses();

    /// <summary>
    /// Keys of the other agents' messages this kind wants to hear (a TUN agent: their <c>tun.started</c>, for the networks
    /// behind them). The agent then also asks everyone to identify themselves once at start, to hear those that started
    /// earlier.
    /// </summary>
    IReadOnlyList<string> PeerKeys => [];

    /// <summary>Another agent's message on one of <see cref="PeerKeys"/> (the agent's own announcements come too).</summary>
    Task OnPeerAsync(string routingKey, JsonObject body, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// For a router-less agent: whether another agent's packet is for this one (its addresses, multicast, broadcast);
    /// null: it is. A router does this choice otherwise; without one, the agent does.
    /// </summary>
    Drop? ForThisAgent(ReadOnlySpan<byte> frame) => null;

    /// <summary>One more line for the log when the agent stops (the OpenWSN mesh), or null.</summary>
    string? Summary() => null;

    /// <summary>The OpenWSN mesh behind the agent, published with its stats; null for any other kind.</summary>
    MeshReport? Mesh() => null;
}
