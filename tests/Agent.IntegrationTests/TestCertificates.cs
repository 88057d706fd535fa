namespace Agent.IntegrationTests;

/// <summary>
/// A certificate authority and the certificates the TLS tests need, made with openssl in a folder of their own: the
/// session CA, the broker's certificate (localhost, 127.0.0.1) and a client certificate it signed, and a second CA
/// that signed nothing of the broker's. Keys are unencrypted PEM.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(string folder)
    {
        Folder = folder;
    }

    public string Folder { get; }

    public string Ca => Path.Combine(Folder, "ca.pem");
    public string OtherCa => Path.Combine(Folder, "other-ca.pem");
    public string ServerCert => Path.Combine(Folder, "server.pem");
    public string ServerKey => Path.Combine(Folder, "server.key");
    public string ClientCert => Path.Combine(Folder, "client.pem");
    public string ClientKey => Path.Combine(Folder, "client.key");

    public static async Task<TestCertificates> CreateAsync()
    {
        var certificates = new TestCertificates(Directory.CreateTempSubdirectory("agent-tls-").FullName);
        try
        {
            await certificates.SelfSignedAsync("ca", "session test CA");
            await certificates.SelfSignedAsync("other-ca", "some other CA");
            await certificates.SignedAsync("server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
            await certificates.SignedAsync("client", "agent test client", "extendedKeyUsage=clientAuth\n");
            return certificates;
        }
        catch
        {
            certificates.Dispose();
            throw;
        }
    }

    private async Task SelfSignedAsync(string name, string commonName) =>
        await OpenSslAsync("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
            "-subj", $"/CN={commonName}", "-keyout", Path.Combine(Folder, $"{name}.key"), "-out", Path.Combine(Folder, $"{name}.pem"));

    private async Task SignedAsync(string name, string commonName, string extensions)
    {
        var request = Path.Combine(Folder, $"{name}.csr");
        var extensionFile = Path.Combine(Folder, $"{name}.ext");
        await File.WriteAllTextAsync(extensionFile, extensions);
        await OpenSslAsync("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", $"/CN={commonName}",
            "-keyout", Path.Combine(Folder, $"{name}.key"), "-out", request);
        await OpenSslAsync("x509", "-req", "-in", request, "-CA", Ca, "-CAkey", Path.Combine(Folder, "ca.key"), "-CAcreateserial",
            "-days", "2", "-extfile", extensionFile, "-out", Path.Combine(Folder, $"{name}.pem"));
    }

    private static async Task OpenSslAsync(params string[] arguments) =>
        (await Command.RunAsync("openssl", arguments, TimeSpan.FromSeconds(30))).EnsureSuccess();

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
