namespace FirmwareSim.Pty;

/// <summary>A pseudo-terminal or its link could not be made or used; the message says what to do.</summary>
public sealed class PtyException(string message) : IOException(message);
