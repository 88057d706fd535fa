using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Agent.Dashboard;

/// <summary>
/// Where the dashboard listens and who may look: loopback by default; any other address only with a token, which a
/// request carries in its URL (<c>?token=</c>, as a browser's address bar and EventSource can) or in a header
/// (<c>Authorization: Bearer</c> or <c>X-Dashboard-Token</c>, for scripts). A page opened with the token in its URL
/// gets it as a cookie too (HttpOnly, SameSite=Strict), so that its scripts and styles load without it in their URLs.
/// </summary>
public sealed class DashboardAccess
{
    public const string DefaultListen = "127.0.0.1:8080";

    public const string TokenHeader = "X-Dashboard-Token";

    public const string TokenCookie = "agent_dashboard_token";

    private readonly byte[]? _token;

    private DashboardAccess(IPEndPoint endPoint, string? token)
    {
        EndPoint = endPoint;
        Token = token;
        _token = token is null ? null : Encoding.UTF8.GetBytes(token);
    }

    public IPEndPoint EndPoint { get; }

    public string? Token { get; }

    /// <summary>
    /// Reads <c>--listen</c> (<c>127.0.0.1:8080</c>, <c>[::1]:8080</c>, <c>localhost:8080</c>, <c>0.0.0.0:8080</c>; port 0
    /// takes a free one) and checks it against <c>--token</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The address is not one, or is not loopback and there is no token: one line saying what to do.</exception>
    public static DashboardAccess Create(string listen, string? token)
    {
        var text = listen.Trim();
        if (text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase)) text = "127.0.0.1" + text["localhost".Length..];
        if (!IPEndPoint.TryParse(text, out var endPoint) || text.LastIndexOf(':') < text.LastIndexOf(']') || !text.Contains(':'))
            throw new ArgumentException($"--listen {listen}: give ADDRESS:PORT, such as {DefaultListen} or [::1]:8080");
        if (token is not null && (token.Length < 8 || token.Any(char.IsWhiteSpace)))
            throw new ArgumentException("--token must be at least 8 characters, without spaces");
        if (!IPAddress.IsLoopback(endPoint.Address) && token is null)
            throw new ArgumentException($"--listen {listen} is reachable from other machines: give --token SECRET too (then open http://HOST:{endPoint.Port}/?token=SECRET), or listen on 127.0.0.1");
        return new DashboardAccess(endPoint, token);
    }

    /// <summary>Whether a request may see the dashboard: always without a token, else with the same token.</summary>
    public bool Allows(string? queryToken, string? headerToken, string? authorization, string? cookie = null)
    {
        if (_token is null) return true;
        var given = queryToken ?? headerToken
            ?? (authorization is { } a && a.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? a["Bearer ".Length..].Trim() : null)
            ?? cookie;
        return given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), _token);
    }

    /// <summary>The address to open, token included: what the dashboard prints once it listens.</summary>
    public string PageUrl(int boundPort)
    {
        var host = EndPoint.Address.Equals(IPAddress.Any) || EndPoint.Address.Equals(IPAddress.IPv6Any) ? "127.0.0.1"
            : EndPoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{EndPoint.Address}]"
            : EndPoint.Address.ToString();
        return $"http://{host}:{boundPort}/" + (Token is null ? "" : $"?token={Uri.EscapeDataString(Token)}");
    }
}
