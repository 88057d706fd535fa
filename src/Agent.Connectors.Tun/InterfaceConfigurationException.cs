namespace Agent.Connectors.Tun;

/// <summary>An <c>ip</c> command configuring an interface failed; the message is the command line and ip's error.</summary>
public sealed class InterfaceConfigurationException : Exception
{
    public InterfaceConfigurationException(string message)
        : base(message)
    {
    }

    public InterfaceConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
