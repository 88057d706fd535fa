using Agent.Core.Addressing;

namespace Agent.Core.Tests.Addressing;

/// <summary>The formats of PROTOCOL.md 5.</summary>
public sealed class AddressFormatTests
{
    [Theory]
    [InlineData("bbbb", "bbbb")]
    [InlineData("bbbb::", "bbbb")]
    [InlineData("bbbb::/64", "bbbb")]
    [InlineData("2001:db8:0:1", "2001:db8:0:1")]
    [InlineData("2001:DB8:0:1::/64", "2001:db8:0:1")]
    [InlineData("2001:db8::", "2001:db8")]
    public void Prefixes_are_read_in_every_form_and_written_without_colons_colons(string text, string bus)
    {
        Assert.Equal(bus, Ipv6Prefix.Parse(text).ToBusString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("bbbb::1")]
    [InlineData("bbbb::/48")]
    [InlineData("1:2:3:4:5")]
    [InlineData("zzzz")]
    [InlineData("10.2.0.1")]
    public void Bad_prefixes_are_refused(string text) => Assert.False(Ipv6Prefix.TryParse(text, out _, out _));

    [Fact]
    public void The_prefix_bytes_are_what_bang_P_carries() =>
        Assert.Equal(new byte[] { 0xbb, 0xbb, 0, 0, 0, 0, 0, 0 }, Ipv6Prefix.Parse("bbbb").ToBytes());

    [Theory]
    [InlineData("1", "1")]
    [InlineData(":1", "1")]
    [InlineData("::1", "1")]
    [InlineData("a:b", "a:b")]
    [InlineData("10", "10")]
    public void Host_ids_accept_legacy_colons(string text, string bus) => Assert.Equal(bus, Ipv6HostId.Parse(text).ToBusString());

    [Theory]
    [InlineData("0")]
    [InlineData("")]
    [InlineData("g")]
    [InlineData("1::2")]
    [InlineData("1:2:3:4:5")]
    public void Bad_host_ids_are_refused(string text) => Assert.False(Ipv6HostId.TryParse(text, out _, out _));

    [Theory]
    [InlineData("10.2.0.1", "10.2.0.1/24", "10.2.0.0", "255.255.255.0")]
    [InlineData("192.0.2.9/28", "192.0.2.9/28", "192.0.2.0", "255.255.255.240")]
    public void Ipv4_addresses_default_to_a_slash_24(string text, string canonical, string network, string netmask)
    {
        var config = Ipv4Config.Parse(text);
        Assert.Equal(canonical, config.ToString());
        Assert.Equal(network, config.Network.ToString());
        Assert.Equal(netmask, config.Netmask.ToString());
    }

    [Theory]
    [InlineData("10.2.0")]
    [InlineData("10.2.0.1/33")]
    [InlineData("bbbb::1")]
    [InlineData("10.2.0.1/x")]
    public void Bad_ipv4_addresses_are_refused(string text) => Assert.False(Ipv4Config.TryParse(text, out _, out _));

    [Fact]
    public void Option_errors_name_the_option()
    {
        Assert.False(AddressOptions.TryParse(null, "::g", null, out _, out var error));
        Assert.StartsWith("--ipv6-host", error);
    }
}
