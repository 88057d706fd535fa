namespace Agent.Core.Protocol;

/// <summary>
/// The keys one agent uses (PROTOCOL.md 3, 4): where its frames go up and come down, the start message that opens its
/// device or asks it to announce itself again, where it announces, every agent's uplink of its kind and every agent's
/// announcement of its kind (what a router-less agent learns its peers from).
/// </summary>
public sealed record AgentTopics(string Up, string Down, string Start, string Started, string AllUp, string AllStarted)
{
    /// <summary>What follows the agent's name in an uplink key of this kind: <c>.ip.tun.packet.raw</c>.</summary>
    public string UpSuffix { get; } = AllUp["fromAgent.*".Length..];

    /// <summary>What follows the agent's name in an announcement of this kind: <c>.ip.tun.started</c>.</summary>
    public string StartedSuffix { get; } = AllStarted["fromAgent.*".Length..];

    /// <summary>Another agent's uplink of this kind, <c>fromAgent.&lt;agent&gt;.ip.tun.packet.raw</c>: what a router-less agent binds for each peer.</summary>
    public string UpOf(string agent) => string.Concat("fromAgent.", agent, UpSuffix);

    /// <summary>Whether a key is some agent's uplink of this kind (<c>fromAgent.X.ip.tun.packet.raw</c>); no allocation, for every packet.</summary>
    public bool IsUplink(string routingKey) =>
        routingKey.StartsWith("fromAgent.", StringComparison.Ordinal) && routingKey.EndsWith(UpSuffix, StringComparison.Ordinal);

    /// <summary>The agent named by an announcement of this kind (<c>fromAgent.X.ip.tun.started</c>), or null for another key.</summary>
    public string? AnnouncerOf(string routingKey) =>
        routingKey.EndsWith(StartedSuffix, StringComparison.Ordinal) && Topics.TryParseFromAgent(routingKey, out var name, out var rest)
        && rest.AsSpan().SequenceEqual(StartedSuffix.AsSpan(1)) ? name : null;

    /// <summary>An IP agent, TUN or serial: <c>*.ip.tun.*</c>.</summary>
    public static AgentTopics Ip(AgentName name) =>
        new(Topics.IpPacketUp(name), Topics.IpPacketDown(name), Topics.TunStart(name), Topics.TunStarted(name), Topics.AllIpPacketsUp,
            Topics.AllTunStarted);

    /// <summary>A serial agent with raw 802.15.4 frames: <c>*.802154.serial.*</c>.</summary>
    public static AgentTopics Ieee802154(AgentName name) =>
        new(Topics.SerialPacketUp(name), Topics.SerialPacketDown(name), Topics.SerialStart(name), Topics.SerialStarted(name),
            Topics.AllSerialPacketsUp, Topics.AllSerialStarted);
}
