namespace Agent.Core.Bus;

/// <summary>How to reach the session's broker.</summary>
public sealed record BusOptions(AmqpUrl Url, string Exchange, TimeSpan ConnectTimeout, string ClientName)
{
    public const string DefaultExchange = "amq.topic";

    /// <summary>How long the farewell publish and the close may take: a dead broker never delays exit.</summary>
    public static readonly TimeSpan ShutdownBound = TimeSpan.FromMilliseconds(500);
}
