namespace Agent.Dashboard.Tests;

public sealed class DashboardAccessTests
{
    [Theory]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080)]
    [InlineData("[::1]:9000", "::1", 9000)]
    [InlineData("localhost:0", "127.0.0.1", 0)]
    public void Loopback_needs_no_token(string listen, string address, int port)
    {
        var access = DashboardAccess.Create(listen, null);
        Assert.Equal((address, port), (access.EndPoint.Address.ToString(), access.EndPoint.Port));
        Assert.True(access.Allows(null, null, null));
    }

    [Theory]
    [InlineData("0.0.0.0:8080")]
    [InlineData("[::]:8080")]
    [InlineData("192.0.2.7:8080")]
    public void Another_address_without_a_token_is_refused_with_what_to_do(string listen)
    {
        var e = Assert.Throws<ArgumentException>(() => DashboardAccess.Create(listen, null));
        Assert.Contains("--token", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("8080")]
    [InlineData("127.0.0.1")]
    [InlineData("nonsense:80")]
    [InlineData("127.0.0.1:99999")]
    public void What_is_not_an_address_and_port_is_refused(string listen) =>
        Assert.Contains("ADDRESS:PORT", Assert.Throws<ArgumentException>(() => DashboardAccess.Create(listen, null)).Message);

    [Theory]
    [InlineData("short")]
    [InlineData("with spaces in it")]
    public void A_weak_token_is_refused(string token) => Assert.Throws<ArgumentException>(() => DashboardAccess.Create("0.0.0.0:8080", token));

    [Fact]
    public void With_a_token_only_requests_carrying_it_in_the_url_or_a_header_pass()
    {
        var access = DashboardAccess.Create("0.0.0.0:8080", "s3cret-token");

        Assert.True(access.Allows("s3cret-token", null, null));
        Assert.True(access.Allows(null, "s3cret-token", null));
        Assert.True(access.Allows(null, null, "Bearer s3cret-token"));
        Assert.False(access.Allows(null, null, null));
        Assert.False(access.Allows("s3cret-tokeN", null, null));
        Assert.False(access.Allows(null, null, "Basic s3cret-token"));
        Assert.True(access.Allows(null, null, null, cookie: "s3cret-token"));
        Assert.False(access.Allows(null, null, null, cookie: "other-token"));
        Assert.Equal("http://127.0.0.1:8080/?token=s3cret-token", access.PageUrl(8080));
    }
}
