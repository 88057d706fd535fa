namespace Agent.Core.Bus;

/// <summary>A named queue exists with other arguments than asked for (classic against quorum); the message is one line for the user.</summary>
public sealed class QueueMismatchException(string message, Exception? inner = null) : Exception(message, inner);
