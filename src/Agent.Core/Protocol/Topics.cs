namespace Agent.Core.Protocol;

/// <summary>The routing keys of the ioppytest bus (PROTOCOL.md 3, 4, 6).</summary>
public static class Topics
{
    public const string ComponentReady = "testingtool.component.ready";
    public const string ComponentShutdown = "testingtool.component.shutdown";
    public const string LossyLinkStart = "routing.lossy.link.start";
    public const string AllFromAgents = "fromAgent.#";

    /// <summary>The part after <c>fromAgent.&lt;name&gt;.</c> of an IP packet key.</summary>
    public const string IpPacketSuffix = "ip.tun.packet.raw";

    /// <summary>The part after <c>fromAgent.&lt;name&gt;.</c> of an 802.15.4 frame key.</summary>
    public const string SerialPacketSuffix = "802154.serial.packet.raw";

    public static string TunStart(AgentName name) => $"toAgent.{name}.ip.tun.start";
    public static string TunStarted(AgentName name) => $"fromAgent.{name}.ip.tun.started";
    public static string IpPacketUp(AgentName name) => $"fromAgent.{name}.{IpPacketSuffix}";
    public static string IpPacketDown(AgentName name) => $"toAgent.{name}.{IpPacketSuffix}";

    public static string SerialStart(AgentName name) => $"toAgent.{name}.802154.serial.start";
    public static string SerialStarted(AgentName name) => $"fromAgent.{name}.802154.serial.started";
    public static string SerialPacketUp(AgentName name) => $"fromAgent.{name}.{SerialPacketSuffix}";
    public static string SerialPacketDown(AgentName name) => $"toAgent.{name}.{SerialPacketSuffix}";

    /// <summary>Splits <c>fromAgent.&lt;name&gt;.&lt;rest&gt;</c>; false for any other key.</summary>
    public static bool TryParseFromAgent(string routingKey, out string name, out string rest)
    {
        name = rest = "";
        const string prefix = "fromAgent.";
        if (!routingKey.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var dot = routingKey.IndexOf('.', prefix.Length);
        if (dot <= prefix.Length || dot == routingKey.Length - 1) return false;
        name = routingKey[prefix.Length..dot];
        rest = routingKey[(dot + 1)..];
        return true;
    }
}
