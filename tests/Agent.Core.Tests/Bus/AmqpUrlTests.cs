using Agent.Core.Bus;

namespace Agent.Core.Tests.Bus;

public sealed class AmqpUrlTests
{
    [Fact]
    public void Backend_query_parameters_are_ignored_and_heartbeat_honoured()
    {
        var url = AmqpUrl.Parse("amqp://u:secret@broker:5673/session?heartbeat=0&blocked_connection_timeout=2&retry_delay=1&socket_timeout=5&connection_attempts=3");
        Assert.Equal(TimeSpan.Zero, url.Heartbeat);
        Assert.Equal("amqp://u:secret@broker:5673/session", url.Address.ToString());
    }

    [Fact]
    public void The_password_is_masked_wherever_the_url_is_shown()
    {
        var url = AmqpUrl.Parse("amqp://u:secret@broker/session");
        Assert.DoesNotContain("secret", url.Masked);
        Assert.DoesNotContain("secret", url.ToString());
        Assert.Equal("amqp://u:***@broker/session", url.Masked);
    }

    [Fact]
    public void Percent_encoded_vhosts_stay_encoded() =>
        Assert.Equal("amqp://guest:guest@localhost/%2f", AmqpUrl.Parse("amqp://guest:guest@localhost/%2f").Address.ToString());

    [Theory]
    [InlineData("http://localhost/")]
    [InlineData("localhost")]
    [InlineData("")]
    [InlineData("amqp://h/?heartbeat=x")]
    public void Bad_urls_are_refused_with_a_reason(string text)
    {
        Assert.False(AmqpUrl.TryParse(text, out _, out var error));
        Assert.NotEmpty(error);
    }
}
