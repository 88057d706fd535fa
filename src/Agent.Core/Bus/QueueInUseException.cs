namespace Agent.Core.Bus;

/// <summary>An exclusive queue asked for by name is held by another connection; the message is one line for the user.</summary>
public sealed class QueueInUseException(string message, Exception? inner = null) : Exception(message, inner);
