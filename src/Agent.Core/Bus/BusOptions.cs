namespace Agent.Core.Bus;

/// <summary>How to reach the session's broker. <paramref name="Tls"/>: how an <c>amqps://</c> URL checks the broker (null: against the system's CAs).</summary>
public sealed record BusOptions(AmqpUrl Url, string Exchange, TimeSpan ConnectTimeout, string ClientName, BrokerTls? Tls = null)
{
    public const string DefaultExchange = "amq.topic";

    /// <summary>How long the farewell publish and the close may take: a dead broker never delays exit.</summary>
    public static readonly TimeSpan ShutdownBound = TimeSpan.FromMilliseconds(500);

    /// <summary>What the user must hear about how the broker is reached (an unchecked certificate, a URL file others can read), logged before connecting.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
