namespace Agent.Core.Routing;

/// <summary>How the router picks destinations.</summary>
public enum RoutingMode
{
    /// <summary>A unicast packet goes only to the agent that owns its destination; the rest fans out as in a hub.</summary>
    Address,

    /// <summary>Every packet goes to every other agent, plus agent_TT: the exact ioppytest semantics.</summary>
    Hub,
}
