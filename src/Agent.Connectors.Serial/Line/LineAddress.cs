using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Agent.Connectors.Serial.Line;

/// <summary>What <c>--port</c> names: a device path, <c>tcp://HOST:PORT</c> or <c>rfc2217://HOST:PORT</c>.</summary>
public sealed record LineAddress(LineTransport Transport, string Text, string Host = "", int Port = 0)
{
    public const string TcpScheme = "tcp";
    public const string Rfc2217Scheme = "rfc2217";

    public bool IsNetwork => Transport != LineTransport.Device;

    /// <summary>Reads <paramref name="text"/>; anything without <c>://</c> is a device path.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out LineAddress? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        var separator = text.IndexOf("://", StringComparison.Ordinal);
        if (separator < 0)
        {
            address = new LineAddress(LineTransport.Device, text);
            error = null;
            return true;
        }
        var scheme = text[..separator].ToLowerInvariant();
        var transport = scheme switch
        {
            TcpScheme => LineTransport.Tcp,
            Rfc2217Scheme => LineTransport.Rfc2217,
            _ => (LineTransport?)null,
        };
        if (transport is null)
        {
            error = $"'{text}': unknown scheme {scheme}://; use a device path, tcp://HOST:PORT or rfc2217://HOST:PORT";
            return false;
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            error = $"'{text}' is not {scheme}://HOST:PORT, e.g. {scheme}://m3-10:20000 or {scheme}://[::1]:4001";
            return false;
        }
        if (uri.IsDefaultPort || uri.Port is < 1 or > 65535)
        {
            error = $"'{text}' has no port; say which, e.g. {scheme}://{uri.Host}:20000";
            return false;
        }
        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
        {
            error = $"'{text}': only {scheme}://HOST:PORT is understood, with nothing after the port";
            return false;
        }
        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.Host;
        var canonical = string.Create(CultureInfo.InvariantCulture, $"{scheme}://{uri.Host}:{uri.Port}");
        address = new LineAddress(transport.Value, canonical, host, uri.Port);
        error = null;
        return true;
    }

    public override string ToString() => Text;
}
