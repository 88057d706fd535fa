namespace Agent.Core.Bus;

/// <summary>The broker could not be reached within the connect timeout; the message is one line for the user.</summary>
public sealed class BusUnreachableException(string message, Exception? inner = null) : Exception(message, inner);
