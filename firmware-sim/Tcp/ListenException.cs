namespace FirmwareSim.Tcp;

/// <summary>The TCP port could not be listened on; the message says what to do.</summary>
public sealed class ListenException(string message) : IOException(message);
