using System.Globalization;
using System.Net;

namespace FirmwareSim.Tcp;

/// <summary>What <c>--listen</c> names: <c>tcp://ADDRESS:PORT</c> (raw) or <c>rfc2217://ADDRESS:PORT</c> (telnet with COM-PORT-OPTION).</summary>
public sealed record ListenAddress(IPEndPoint EndPoint, bool Telnet)
{
    public string Scheme => Telnet ? "rfc2217" : "tcp";

    /// <summary>Reads <paramref name="text"/>; the address is a literal (or <c>localhost</c>), port 0 lets the kernel pick.</summary>
    /// <exception cref="UsageException">Not such an address; the message shows one.</exception>
    public static ListenAddress Parse(string text)
    {
        var separator = text.IndexOf("://", StringComparison.Ordinal);
        var scheme = separator < 0 ? "" : text[..separator].ToLowerInvariant();
        if (scheme is not ("tcp" or "rfc2217"))
            throw new UsageException($"--listen: '{text}' is not tcp://ADDRESS:PORT or rfc2217://ADDRESS:PORT, e.g. tcp://127.0.0.1:26001");
        var rest = text[(separator + 3)..].TrimEnd('/');
        var colon = rest.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
            throw new UsageException($"--listen: '{text}' needs a port, e.g. {scheme}://127.0.0.1:26001 (0: any free port)");
        var host = rest[..colon].Trim('[', ']');
        var address = host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(host, out var literal) ? literal : null;
        if (address is null)
            throw new UsageException($"--listen: '{host}' is not an IP address such as 127.0.0.1, 0.0.0.0 or ::");
        return new ListenAddress(new IPEndPoint(address, port), scheme == "rfc2217");
    }

    /// <summary><c>tcp://127.0.0.1:26001</c>, with the port actually bound.</summary>
    public string ToString(int port) => $"{Scheme}://{new IPEndPoint(EndPoint.Address, port)}";

    public override string ToString() => ToString(EndPoint.Port);
}
