using System.Globalization;

namespace Agent.Core.Bus;

/// <summary>
/// A session URL, <c>amqp://user:password@host[:port]/vhost</c> (PROTOCOL.md 1). Unknown query parameters,
/// which the ioppytest backend appends, are accepted and ignored; <c>heartbeat</c> is honoured.
/// </summary>
public sealed record AmqpUrl
{
    public const string Default = "amqp://guest:guest@localhost/";

    private AmqpUrl(Uri address, TimeSpan? heartbeat)
    {
        Address = address;
        Heartbeat = heartbeat;
    }

    /// <summary>The URL without its query, as the client library takes it.</summary>
    public Uri Address { get; }

    /// <summary>An <c>amqps://</c> URL: the connection is TLS.</summary>
    public bool IsTls => Address.Scheme == "amqps";

    /// <summary>The TCP port: the URL's, else 5672 (5671 for TLS).</summary>
    public int Port => Address.Port > 0 ? Address.Port : IsTls ? 5671 : 5672;

    /// <summary>The <c>heartbeat</c> query parameter; zero turns heartbeats off; null leaves the client's default.</summary>
    public TimeSpan? Heartbeat { get; }

    /// <summary>The URL with its password masked: the only form that is ever printed.</summary>
    public string Masked
    {
        get
        {
            var builder = new UriBuilder(Address);
            if (builder.Password.Length > 0) builder.Password = "***";
            return builder.Uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.UserInfo | UriComponents.Path, UriFormat.UriEscaped);
        }
    }

    public static bool TryParse(string? text, out AmqpUrl? url, out string error)
    {
        url = null;
        if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri))
        {
            error = "the broker URL is not a URL (expected amqp://user:password@host[:port]/vhost)";
            return false;
        }
        if (uri.Scheme is not ("amqp" or "amqps"))
        {
            error = $"the broker URL must start with amqp:// or amqps://, not {uri.Scheme}://";
            return false;
        }
        if (uri.Host.Length == 0)
        {
            error = "the broker URL has no host";
            return false;
        }
        TimeSpan? heartbeat = null;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (parts[0] != "heartbeat") continue;
            if (parts.Length < 2 || !uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                error = $"the broker URL's heartbeat must be a number of seconds, not '{(parts.Length > 1 ? parts[1] : "")}'";
                return false;
            }
            heartbeat = TimeSpan.FromSeconds(seconds);
        }
        var address = new UriBuilder(uri) { Query = "", Fragment = "" }.Uri;
        url = new AmqpUrl(address, heartbeat);
        error = "";
        return true;
    }

    /// <summary>The same URL for another session of the broker.</summary>
    public AmqpUrl WithVhost(string vhost) => new(new UriBuilder(Address) { Path = "/" + Uri.EscapeDataString(vhost) }.Uri, Heartbeat);

    public static AmqpUrl Parse(string text) =>
        TryParse(text, out var url, out var error) ? url! : throw new FormatException(error);

    public override string ToString() => Masked;
}
