namespace Agent.IntegrationTests;

/// <summary>amqps:// against real TLS listeners, with a CA and certificates made by the test (<see cref="TlsBrokerFixture"/>).</summary>
[Collection(SystemCollection.Name)]
public sealed class TlsTests(TlsBrokerFixture tls) : IClassFixture<TlsBrokerFixture>
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(60);

    private string Url => TlsBrokerFixture.UrlFor(tls.TlsPort);

    private static async Task<AgentProcess> StatusAsync(params string[] arguments)
    {
        var status = AgentProcess.Start("status", ["status", "--wait", "1", "--connect-timeout", "20", .. arguments], new Dictionary<string, string>());
        await status.WaitForExitAsync(ExitBound);
        return status;
    }

    [Fact]
    public async Task With_the_brokers_CA_an_agent_and_status_work_over_TLS()
    {
        await using var ns = await Netns.CreateAsync("agt-tls");
        await using var agent = AgentProcess.Start("agent_1", "tun", "--url", Url, "--tls-ca", tls.Certificates.Ca, "--name", "agent_1", "--netns", ns.Name);
        await agent.WaitForLineAsync($@"Connected to amqps://guest:\*\*\*@localhost:{tls.TlsPort}/ over TLS, certificate verified");
        await agent.WaitForLineAsync("is up");

        await using var status = await StatusAsync("--url", Url, "--tls-ca", tls.Certificates.Ca);
        Assert.True(0 == await status.WaitForExitAsync(ExitBound), status.Output);
        Assert.Contains(status.Lines, l => l.StartsWith("agent_1 ", StringComparison.Ordinal) && l.Contains("bbbb::1/64"));

        var (exit, _) = await agent.StopAsync();
        Assert.Equal(0, exit);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_broker_certificate_from_an_untrusted_CA_ends_with_one_line_and_exit_1(bool wrongCa)
    {
        await using var status = await StatusAsync(["--url", Url, .. wrongCa ? new[] { "--tls-ca", tls.Certificates.OtherCa } : []]);
        Assert.Equal(1, await status.WaitForExitAsync(ExitBound));
        var line = Assert.Single(status.Lines);
        Assert.StartsWith($"stderr: agent status: TLS: the broker at amqps://guest:***@localhost:{tls.TlsPort}/ is not trusted: its certificate (CN=localhost, issued by CN=session test CA)", line);
        Assert.Contains(wrongCa ? "does not chain to the given CA" : "pass --tls-ca", line);
    }

    [Fact]
    public async Task Tls_insecure_connects_without_checking_and_says_so_loudly()
    {
        await using var status = await StatusAsync("--url", Url, "--tls-insecure");
        Assert.True(0 == await status.WaitForExitAsync(ExitBound), status.Output);
        Assert.Contains(status.Lines, l => l.StartsWith("stderr: ", StringComparison.Ordinal) && l.Contains("WRN TLS WITHOUT VERIFICATION (--tls-insecure)"));
    }

    [Fact]
    public async Task A_broker_that_requires_a_client_certificate_takes_ours_and_without_one_says_so()
    {
        var url = TlsBrokerFixture.UrlFor(tls.ClientCertTlsPort);
        await using (var with = await StatusAsync("--url", url, "--tls-ca", tls.Certificates.Ca, "--tls-cert", tls.Certificates.ClientCert, "--tls-key", tls.Certificates.ClientKey))
            Assert.True(0 == await with.WaitForExitAsync(ExitBound), with.Output);

        await using var without = await StatusAsync("--url", url, "--tls-ca", tls.Certificates.Ca);
        Assert.Equal(1, await without.WaitForExitAsync(ExitBound));
        var line = Assert.Single(without.Lines);
        Assert.Contains("requires a client certificate: pass --tls-cert and --tls-key", line);
    }

    [Theory]
    [InlineData("amqp://guest:guest@localhost/", "--tls-insecure", "need an amqps:// URL")]
    [InlineData("amqps://guest:guest@localhost/", "--tls-ca=/nonexistent/ca.pem", "--tls-ca: cannot read /nonexistent/ca.pem")]
    [InlineData("amqps://guest:guest@localhost/", "--tls-key=/nonexistent/key.pem", "--tls-key needs --tls-cert")]
    public async Task Tls_options_that_cannot_work_are_refused_with_exit_2(string url, string option, string expected)
    {
        await using var status = await StatusAsync("--url", url, option);
        Assert.Equal(2, await status.WaitForExitAsync(ExitBound));
        Assert.Contains(expected, Assert.Single(status.Lines));
    }
}
