using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RabbitMQ.Client;

namespace Agent.Core.Bus;

/// <summary>
/// How an <c>amqps://</c> connection checks the broker and shows who we are. The broker's certificate must name the
/// URL's host and chain to <see cref="TrustedCas"/> when given (and only to them), else to a CA the system trusts;
/// <see cref="Insecure"/> skips both checks. When a certificate is refused, <see cref="Rejection"/> says why in words,
/// because the TLS stack's own exception says only "rejected by the callback".
/// </summary>
public sealed class BrokerTls(X509Certificate2Collection? trustedCas = null, X509Certificate2? clientCertificate = null, bool insecure = false)
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    private volatile string? _rejection;

    /// <summary>The CAs the broker's certificate must chain to; null: those of the system.</summary>
    public X509Certificate2Collection? TrustedCas { get; } = trustedCas;

    /// <summary>Sent when the broker asks for a client certificate.</summary>
    public X509Certificate2? ClientCertificate { get; } = clientCertificate;

    /// <summary>No check at all of the broker's certificate: anyone on the path can pose as the broker.</summary>
    public bool Insecure { get; } = insecure;

    /// <summary>Why the last certificate was refused, or null.</summary>
    public string? Rejection => _rejection;

    /// <summary>Sets up the client's TLS for a broker reached as <paramref name="host"/>.</summary>
    public void Apply(SslOption ssl, string host)
    {
        ssl.Enabled = true;
        ssl.ServerName = host;
        ssl.CertificateValidationCallback = (_, certificate, chain, errors) => Accepts(certificate, chain, errors);
        if (ClientCertificate is not null) ssl.Certs = new X509CertificateCollection { ClientCertificate };
    }

    /// <summary>The certificate check: true to go on with the handshake.</summary>
    public bool Accepts(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        _rejection = null;
        if (Insecure) return true;
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return Refuse("it sent no certificate");
        var presented = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return Refuse($"its certificate ({presented.Subject}) is not issued for the host of the URL");
        if (TrustedCas is null)
            return errors == SslPolicyErrors.None
                || Refuse($"its certificate ({presented.Subject}, issued by {presented.Issuer}) is not signed by a CA this system trusts ({Status(chain)})");
        return ChainsToTrustedCa(presented, chain, out var status)
            || Refuse($"its certificate ({presented.Subject}, issued by {presented.Issuer}) does not chain to the given CA ({status})");
    }

    private bool ChainsToTrustedCa(X509Certificate2 presented, X509Chain? presentedChain, out string status)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(TrustedCas!);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        // Intermediates the broker sent along.
        if (presentedChain is not null)
            foreach (var element in presentedChain.ChainElements)
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        var built = chain.Build(presented);
        status = Status(chain);
        return built;
    }

    private static string Status(X509Chain? chain)
    {
        var statuses = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToArray() ?? [];
        return statuses.Length == 0 ? "no chain" : string.Join(", ", statuses);
    }

    private bool Refuse(string reason)
    {
        _rejection = reason;
        return false;
    }
}
