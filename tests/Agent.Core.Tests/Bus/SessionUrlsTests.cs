using Agent.Core.Bus;

namespace Agent.Core.Tests.Bus;

public sealed class SessionUrlsTests
{
    private static SessionUrls Parse(params string[] texts) =>
        SessionUrls.TryParse(texts, out var urls, out var error) ? urls! : throw new FormatException(error);

    private static string Error(params string[] texts)
    {
        Assert.False(SessionUrls.TryParse(texts, out _, out var error));
        return error;
    }

    [Fact]
    public void Several_urls_and_comma_separated_lists_keep_their_order()
    {
        var urls = Parse("amqp://u:p@n1:5001/s,amqp://u:p@n2:5002/s", "amqp://u:p@n3/s");
        Assert.Equal(["n1", "n2", "n3"], urls.All.Select(u => u.Address.Host));
        Assert.Equal([5001, 5002, 5672], urls.All.Select(u => u.Port));
        Assert.Same(urls.All[0], urls.First);
    }

    [Fact]
    public void A_comma_inside_a_password_does_not_split_the_list()
    {
        var urls = Parse("amqp://u:a,b@n1/s, amqp://u:a,b@n2/s");
        Assert.Equal(2, urls.All.Count);
        Assert.Equal("u:a,b", urls.First.Address.UserInfo);
    }

    [Fact]
    public void Passwords_are_masked_in_the_list_and_in_errors()
    {
        var urls = Parse("amqp://u:secret@n1/s,amqp://u:secret@n2/s");
        Assert.Equal("amqp://u:***@n1/s, amqp://u:***@n2/s", urls.Masked);
        Assert.Equal("amqp://u:***@n2/s", urls.MaskedFor("n2", 5672));
        Assert.DoesNotContain("secret", urls.MaskedFor("elsewhere", 1));
        Assert.DoesNotContain("secret", Error("amqp://u:secret@n1/s", "amqp://u:secret@n2/other"));
    }

    [Fact]
    public void Another_session_on_the_same_nodes_keeps_hosts_and_credentials()
    {
        var urls = Parse("amqp://u:p@n1:5001/s,amqp://u:p@n2/s");
        Assert.Equal(["amqp://u:p@n1:5001/s%202", "amqp://u:p@n2/s%202"], urls.WithVhost("s 2").All.Select(u => u.Address.AbsoluteUri));
        Assert.Equal("amqp://u:p@n1:5001/%2F", urls.WithVhost("/").First.Address.AbsoluteUri);
    }

    [Fact]
    public void Tls_urls_default_to_port_5671() => Assert.Equal(5671, Parse("amqps://u:p@n1/s").First.Port);

    [Theory]
    [InlineData("amqp://u:p@n2/other", "vhost")]
    [InlineData("amqp://v:p@n2/s", "user or password")]
    [InlineData("amqp://u:q@n2/s", "user or password")]
    [InlineData("amqps://u:p@n2/s", "scheme")]
    [InlineData("amqp://u:p@n2/s?heartbeat=5", "heartbeat")]
    public void Every_url_must_name_the_same_session(string second, string what) =>
        Assert.Contains($"differs from URL 1 in its {what}", Error("amqp://u:p@n1/s", second));

    [Fact]
    public void A_bad_url_in_a_list_is_named_by_its_position() =>
        Assert.StartsWith("URL 2: ", Error("amqp://u:p@n1/s,amqps://", "amqp://u:p@n3/s"));

    [Fact]
    public void A_single_bad_url_is_reported_as_before() =>
        Assert.Equal(Error("http://x/"), AmqpUrl.TryParse("http://x/", out _, out var error) ? "" : error);
}
