namespace Agent.Core.Protocol;

/// <summary>
/// The keys one agent uses (PROTOCOL.md 3, 4): where its frames go up and come down, the start message that opens its
/// device or asks it to announce itself again, where it announces, and every agent's uplink of its kind (what a
/// router-less agent binds).
/// </summary>
public sealed record AgentTopics(string Up, string Down, string Start, string Started, string AllUp)
{
    /// <summary>An IP agent, TUN or serial: <c>*.ip.tun.*</c>.</summary>
    public static AgentTopics Ip(AgentName name) =>
        new(Topics.IpPacketUp(name), Topics.IpPacketDown(name), Topics.TunStart(name), Topics.TunStarted(name), Topics.AllIpPacketsUp);

    /// <summary>A serial agent with raw 802.15.4 frames: <c>*.802154.serial.*</c>.</summary>
    public static AgentTopics Ieee802154(AgentName name) =>
        new(Topics.SerialPacketUp(name), Topics.SerialPacketDown(name), Topics.SerialStart(name), Topics.SerialStarted(name),
            Topics.AllSerialPacketsUp);
}
