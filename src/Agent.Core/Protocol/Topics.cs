namespace Agent.Core.Protocol;

/// <summary>The routing keys of the ioppytest bus (PROTOCOL.md 3, 4, 6).</summary>
public static class Topics
{
    public const string ComponentReady = "testingtool.component.ready";
    public const string ComponentShutdown = "testingtool.component.shutdown";
    public const string LossyLinkStart = "routing.lossy.link.start";
    public const string AllFromAgents = "fromAgent.#";

    /// <summary>
    /// Ours, not ioppytest's: asks every agent to announce itself at once (its <c>tun.started</c> or <c>serial.started</c>,
    /// and its stats). A router says it when it starts and after every reconnect, so it learns the agents that started
    /// before it without waiting for them to speak.
    /// </summary>
    public const string IdentifyRequest = "agents.identify.request";

    /// <summary>The part after <c>fromAgent.&lt;name&gt;.</c> of an IP packet key.</summary>
    public const string IpPacketSuffix = "ip.tun.packet.raw";

    /// <summary>The part after <c>fromAgent.&lt;name&gt;.</c> of an 802.15.4 frame key.</summary>
    public const string SerialPacketSuffix = "802154.serial.packet.raw";

    public const string TunStartSuffix = "ip.tun.start";
    public const string TunStartedSuffix = "ip.tun.started";
    public const string SerialStartSuffix = "802154.serial.start";
    public const string SerialStartedSuffix = "802154.serial.started";

    /// <summary>Binds every agent's IP packets.</summary>
    public const string AllIpPacketsUp = $"fromAgent.*.{IpPacketSuffix}";

    /// <summary>Binds every agent's 802.15.4 frames.</summary>
    public const string AllSerialPacketsUp = $"fromAgent.*.{SerialPacketSuffix}";

    /// <summary>Binds the coordinator's start messages to every IP agent: they name the session's agents and addresses.</summary>
    public const string AllTunStart = $"toAgent.*.{TunStartSuffix}";

    /// <summary>Binds every IP agent's announcement.</summary>
    public const string AllTunStarted = $"fromAgent.*.{TunStartedSuffix}";

    /// <summary>Binds every 802.15.4 agent's announcement.</summary>
    public const string AllSerialStarted = $"fromAgent.*.{SerialStartedSuffix}";

    public static string TunStart(AgentName name) => ToAgent(name.Value, TunStartSuffix);
    public static string TunStarted(AgentName name) => FromAgent(name.Value, TunStartedSuffix);
    public static string IpPacketUp(AgentName name) => FromAgent(name.Value, IpPacketSuffix);
    public static string IpPacketDown(AgentName name) => ToAgent(name.Value, IpPacketSuffix);

    public static string SerialStart(AgentName name) => ToAgent(name.Value, SerialStartSuffix);
    public static string SerialStarted(AgentName name) => FromAgent(name.Value, SerialStartedSuffix);
    public static string SerialPacketUp(AgentName name) => FromAgent(name.Value, SerialPacketSuffix);
    public static string SerialPacketDown(AgentName name) => ToAgent(name.Value, SerialPacketSuffix);

    /// <summary><c>fromAgent.&lt;name&gt;.&lt;rest&gt;</c>.</summary>
    public static string FromAgent(string name, string rest) => $"fromAgent.{name}.{rest}";

    /// <summary><c>toAgent.&lt;name&gt;.&lt;rest&gt;</c>: where the router sends what <c>fromAgent.&lt;other&gt;.&lt;rest&gt;</c> carried.</summary>
    public static string ToAgent(string name, string rest) => $"toAgent.{name}.{rest}";

    /// <summary>Splits <c>fromAgent.&lt;name&gt;.&lt;rest&gt;</c>; false for any other key.</summary>
    public static bool TryParseFromAgent(string routingKey, out string name, out string rest) =>
        TryParse("fromAgent.", routingKey, out name, out rest);

    /// <summary>Splits <c>toAgent.&lt;name&gt;.&lt;rest&gt;</c>; false for any other key.</summary>
    public static bool TryParseToAgent(string routingKey, out string name, out string rest) =>
        TryParse("toAgent.", routingKey, out name, out rest);

    private static bool TryParse(string prefix, string routingKey, out string name, out string rest)
    {
        name = rest = "";
        if (!routingKey.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var dot = routingKey.IndexOf('.', prefix.Length);
        if (dot <= prefix.Length || dot == routingKey.Length - 1) return false;
        name = routingKey[prefix.Length..dot];
        rest = routingKey[(dot + 1)..];
        return true;
    }
}
