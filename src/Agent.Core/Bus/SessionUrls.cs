using System.Text.RegularExpressions;

namespace Agent.Core.Bus;

/// <summary>
/// The URLs of one session on the nodes of a RabbitMQ cluster, in the order to try them: one per node, the same
/// scheme, user, password, vhost and heartbeat on each (the client logs in once, with the first URL's; only the host
/// and port change). Several may come in one text, separated by commas (<c>AMQP_URL=amqp://u:p@n1/s,amqp://u:p@n2/s</c>).
/// </summary>
public sealed partial class SessionUrls
{
    private SessionUrls(IReadOnlyList<AmqpUrl> all) => All = all;

    public IReadOnlyList<AmqpUrl> All { get; }

    /// <summary>The first URL: the one whose user, vhost and TLS settings every node is reached with.</summary>
    public AmqpUrl First => All[0];

    /// <summary>Every URL, password masked, comma-separated: for messages about the session as a whole.</summary>
    public string Masked => string.Join(", ", All.Select(u => u.Masked));

    public static SessionUrls Of(AmqpUrl url) => new([url]);

    /// <summary>The same nodes, for another session (vhost).</summary>
    public SessionUrls WithVhost(string vhost) => new([.. All.Select(u => u.WithVhost(vhost))]);

    /// <summary>Parses each text, itself a URL or URLs separated by commas. The error names the URL at fault by its position, never its password.</summary>
    public static bool TryParse(IEnumerable<string> texts, out SessionUrls? urls, out string error)
    {
        urls = null;
        var pieces = texts.SelectMany(t => UrlSeparator().Split(t)).ToList();
        var all = new List<AmqpUrl>();
        foreach (var piece in pieces)
        {
            if (!AmqpUrl.TryParse(piece, out var url, out error))
            {
                if (pieces.Count > 1) error = $"URL {all.Count + 1}: {error}";
                return false;
            }
            all.Add(url!);
        }
        if (all.Count == 0)
        {
            error = "no broker URL";
            return false;
        }
        var first = all[0];
        for (var i = 1; i < all.Count; i++)
        {
            var other = all[i];
            var differs = other.Address.Scheme != first.Address.Scheme ? "scheme"
                : other.Address.UserInfo != first.Address.UserInfo ? "user or password"
                : other.Address.AbsolutePath != first.Address.AbsolutePath ? "vhost"
                : other.Heartbeat != first.Heartbeat ? "heartbeat"
                : null;
            if (differs is not null)
            {
                error = $"URL {i + 1} ({other.Masked}) differs from URL 1 in its {differs}: every URL must name the same session on another node of one cluster";
                return false;
            }
        }
        urls = new SessionUrls(all);
        error = "";
        return true;
    }

    /// <summary>The URL given for <paramref name="host"/>:<paramref name="port"/>, masked; for the line that says which node we are on.</summary>
    public string MaskedFor(string host, int port) =>
        All.FirstOrDefault(u => string.Equals(u.Address.Host, host, StringComparison.OrdinalIgnoreCase) && u.Port == port)?.Masked
        ?? $"{First.Masked} (as {host}:{port})";

    public override string ToString() => Masked;

    /// <summary>A comma that starts another URL (a comma inside a password does not).</summary>
    [GeneratedRegex(@"\s*,\s*(?=amqps?://)", RegexOptions.IgnoreCase)]
    private static partial Regex UrlSeparator();
}
