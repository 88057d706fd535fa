namespace Agent.Core.Agents;

/// <summary>The agent could not start; the message is one line for the user.</summary>
public sealed class AgentStartException(string message, Exception? inner = null) : Exception(message, inner);
