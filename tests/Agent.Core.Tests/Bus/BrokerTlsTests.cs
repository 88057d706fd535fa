using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Agent.Core.Bus;

namespace Agent.Core.Tests.Bus;

/// <summary>The broker certificate check of amqps://, on certificates made here (the TLS listener tests use openssl's).</summary>
public sealed class BrokerTlsTests : IDisposable
{
    private readonly X509Certificate2 _ca = MakeCa("CN=session CA");
    private readonly X509Certificate2 _otherCa = MakeCa("CN=other CA");
    private readonly X509Certificate2 _broker;

    public BrokerTlsTests()
    {
        _broker = MakeServer(_ca, "localhost");
    }

    [Fact]
    public void A_certificate_signed_by_the_given_CA_is_accepted()
    {
        var tls = new BrokerTls(new X509Certificate2Collection(_ca));
        // The TLS stack, not knowing our CA, reports a chain error: the check must look past it.
        Assert.True(tls.Accepts(_broker, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Null(tls.Rejection);
    }

    [Fact]
    public void A_certificate_of_another_CA_is_refused_with_a_reason()
    {
        var tls = new BrokerTls(new X509Certificate2Collection(_otherCa));
        Assert.False(tls.Accepts(_broker, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Contains("does not chain to the given CA", tls.Rejection);
        Assert.Contains("CN=session CA", tls.Rejection);
    }

    [Fact]
    public void Without_a_CA_only_what_the_system_trusts_passes()
    {
        var tls = new BrokerTls();
        Assert.False(tls.Accepts(_broker, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Contains("not signed by a CA this system trusts", tls.Rejection);
        Assert.True(tls.Accepts(_broker, null, SslPolicyErrors.None));
    }

    [Fact]
    public void A_certificate_for_another_host_is_refused_even_from_the_right_CA()
    {
        var tls = new BrokerTls(new X509Certificate2Collection(_ca));
        Assert.False(tls.Accepts(_broker, null, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.Contains("not issued for the host", tls.Rejection);
    }

    [Fact]
    public void No_certificate_is_refused()
    {
        var tls = new BrokerTls(new X509Certificate2Collection(_ca));
        Assert.False(tls.Accepts(null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
        Assert.Contains("no certificate", tls.Rejection);
    }

    [Fact]
    public void Insecure_accepts_anything()
    {
        var tls = new BrokerTls(insecure: true);
        Assert.True(tls.Accepts(_broker, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    private static X509Certificate2 MakeCa(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static X509Certificate2 MakeServer(X509Certificate2 ca, string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), [1, 2, 3, 4]);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _otherCa.Dispose();
        _broker.Dispose();
    }
}
