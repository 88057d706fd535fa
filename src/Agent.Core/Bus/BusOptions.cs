namespace Agent.Core.Bus;

/// <summary>
/// How to reach the session's broker. <paramref name="Url"/>: the first node's URL (whose user, vhost and TLS apply to
/// every node). <paramref name="Tls"/>: how an <c>amqps://</c> URL checks the broker (null: against the system's CAs).
/// </summary>
public sealed record BusOptions(AmqpUrl Url, string Exchange, TimeSpan ConnectTimeout, string ClientName, BrokerTls? Tls = null)
{
    public const string DefaultExchange = "amq.topic";

    /// <summary>How long the farewell publish and the close may take: a dead broker never delays exit.</summary>
    public static readonly TimeSpan ShutdownBound = TimeSpan.FromMilliseconds(500);

    private readonly SessionUrls? _nodes;

    /// <summary>
    /// Every node of the session's cluster, tried in this order on start and on every reconnect (the first that takes
    /// the connection wins); by default <see cref="Url"/> alone.
    /// </summary>
    public SessionUrls Nodes
    {
        get => _nodes ?? SessionUrls.Of(Url);
        init => _nodes = value;
    }

    /// <summary>Try <see cref="Nodes"/> in a new random order on every connect, so that many clients spread over the cluster.</summary>
    public bool ShuffleNodes { get; init; }

    /// <summary>The same broker and settings for another session (vhost) on it.</summary>
    public BusOptions ForVhost(string vhost) => this with { Url = Url.WithVhost(vhost), Nodes = Nodes.WithVhost(vhost) };

    /// <summary>
    /// Whether the broker confirms every publish (an agent: its <c>up</c> counts what the broker took). Off for a
    /// publisher that never asks what became of a message, such as the router: each confirm is work for the broker.
    /// </summary>
    public bool PublisherConfirms { get; init; } = true;

    /// <summary>What the user must hear about how the broker is reached (an unchecked certificate, a URL file others can read), logged before connecting.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
