using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Agent.Core.Bus;

/// <summary>
/// Tells a TLS problem from an unreachable broker, in one line for the user, so that the connect loop gives up at once
/// instead of retrying what cannot fix itself. With TLS 1.3 a broker that wants a client certificate completes the
/// handshake and only then sends its alert and closes, so the client library sees a bare "connection reset" (or, by
/// luck, the alert): a short probe session of our own reads that alert.
/// </summary>
internal static partial class TlsFailure
{
    private const int DefaultTlsPort = 5671;

    /// <summary>How long the probe waits for an alert once its handshake is done: the broker sends it at once.</summary>
    private static readonly TimeSpan AlertWait = TimeSpan.FromSeconds(2);

    /// <summary>The line to give up with, or null when <paramref name="failure"/> is no TLS problem (keep retrying).</summary>
    public static async Task<string?> ExplainAsync(Exception failure, AmqpUrl url, BrokerTls tls, CancellationToken cancellationToken)
    {
        if (Find<AuthenticationException>(failure) is { } handshake && Alert(handshake) is null)
            return tls.Rejection is { } rejection
                ? $"TLS: the broker at {url.Masked} is not trusted: {rejection}; " +
                  (tls.TrustedCas is null ? "pass --tls-ca with the CA that signed it" : "check --tls-ca and the host in --url")
                : $"TLS handshake with the broker at {url.Masked} failed ({Innermost(handshake).Message}); check that the port is its TLS listener";
        if (Find<SocketException>(failure) is { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.TimedOut })
            return null;
        var alert = Alert(failure) ?? await ProbeAsync(url, tls, cancellationToken);
        if (alert is null) return null;
        var advice = alert.Contains("certificate required", StringComparison.OrdinalIgnoreCase)
            ? "it requires a client certificate: pass --tls-cert and --tls-key"
            : tls.ClientCertificate is null ? "check its TLS settings" : "it does not accept the client certificate of --tls-cert";
        return $"TLS: the broker at {url.Masked} ended the session with the alert '{alert}'; {advice}";
    }

    /// <summary>Opens a TLS session as the client library would and reads the broker's first words: an alert, or none.</summary>
    private static async Task<string?> ProbeAsync(AmqpUrl url, BrokerTls tls, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            using var client = new TcpClient();
            var port = url.Address.Port > 0 ? url.Address.Port : DefaultTlsPort;
            await client.ConnectAsync(url.Address.Host, port, bound.Token);
            await using var session = new SslStream(client.GetStream(), false, (_, certificate, chain, errors) => tls.Accepts(certificate, chain, errors));
            await session.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = url.Address.Host,
                ClientCertificates = tls.ClientCertificate is { } mine ? new X509CertificateCollection { mine } : null,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            }, bound.Token);
            // Nothing is written: a broker happy with us says nothing until it hears the protocol header.
            bound.CancelAfter(AlertWait);
            await session.ReadAtLeastAsync(new byte[1], 1, throwOnEndOfStream: false, bound.Token);
            return null;
        }
        catch (Exception e)
        {
            return Alert(e);
        }
    }

    /// <summary>The alert named anywhere in the exception chain ("certificate required", "unknown ca"), as OpenSSL words it.</summary>
    private static string? Alert(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (AlertText().Match(e.Message) is { Success: true } match) return match.Groups[1].Value.Trim();
        return null;
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T found) return found;
        return null;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    [GeneratedRegex(@"alert ([a-z0-9 _]+)$", RegexOptions.IgnoreCase)]
    private static partial Regex AlertText();
}
