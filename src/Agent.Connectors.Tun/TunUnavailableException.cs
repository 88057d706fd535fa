namespace Agent.Connectors.Tun;

/// <summary>
/// A TUN interface could not be created. The message is one line that tells the user what to do
/// (run as root, load the tun module, pick another name).
/// </summary>
public sealed class TunUnavailableException : Exception
{
    public TunUnavailableException(string message, int errno)
        : base(message)
    {
        Errno = errno;
    }

    /// <summary>The Linux errno of the failed call.</summary>
    public int Errno { get; }
}
