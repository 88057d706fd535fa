using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Agent.Core.Bus;

namespace Agent.Cli;

/// <summary>The --tls-* options: PEM files read into a <see cref="BrokerTls"/>, each problem one line for the user.</summary>
public static class TlsFiles
{
    /// <summary>Null for an <c>amqp://</c> URL; for <c>amqps://</c>, how to check the broker and who we are.</summary>
    /// <exception cref="UsageException">A --tls-* option without amqps://, or a file that cannot be read or holds no certificate.</exception>
    public static BrokerTls? Load(AmqpUrl url, string? caFile, string? certFile, string? keyFile, bool insecure, List<string> warnings)
    {
        if (!url.IsTls)
        {
            if (caFile is not null || certFile is not null || keyFile is not null || insecure)
                throw new UsageException("--tls-ca, --tls-cert, --tls-key and --tls-insecure need an amqps:// URL");
            return null;
        }
        if (keyFile is not null && certFile is null) throw new UsageException("--tls-key needs --tls-cert");
        if (insecure && caFile is not null) throw new UsageException("give --tls-ca or --tls-insecure, not both");
        if (insecure)
            warnings.Add("TLS WITHOUT VERIFICATION (--tls-insecure): the broker's certificate is not checked, so anyone on the path " +
                         "can pose as the broker and read the session, password included; use --tls-ca instead");
        return new BrokerTls(caFile is null ? null : Cas(caFile), certFile is null ? null : ClientCertificate(certFile, keyFile, warnings), insecure);
    }

    private static X509Certificate2Collection Cas(string file)
    {
        var cas = new X509Certificate2Collection();
        try
        {
            cas.ImportFromPemFile(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new UsageException($"--tls-ca: cannot read {file}: {e.Message}");
        }
        return cas.Count > 0 ? cas : throw new UsageException($"--tls-ca: {file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }

    private static X509Certificate2 ClientCertificate(string certFile, string? keyFile, List<string> warnings)
    {
        try
        {
            var certificate = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            SecretFile.WarnIfShared(keyFile ?? certFile, keyFile is null ? "--tls-cert" : "--tls-key", warnings);
            return certificate;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new UsageException(
                $"--tls-cert/--tls-key: cannot load a client certificate and its unencrypted private key from {certFile}{(keyFile is null ? "" : $" and {keyFile}")}: {e.Message}");
        }
    }
}
