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
    [InlineData("bbbb%eth0")]
    public void Bad_prefixes_are_refused(string text) => Assert.False(Ipv6Prefix.TryParse(text, out _, out _));

    [Theory]
    [InlineData("ff02", "multicast")]
    [InlineData("ff05::/64", "multicast")]
    [InlineData("::", "unspecified")]
    [InlineData("0:0:0:0", "unspecified")]
    [InlineData("fe80", "link-local")]
    [InlineData("febf:1::", "link-local")]
    public void Prefixes_no_network_can_have_are_refused_saying_why(string text, string why)
    {
        Assert.False(Ipv6Prefix.TryParse(text, out _, out var error));
        Assert.Contains(why, error);
    }

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
    [InlineData("1.2.3.4")]
    [InlineData("1%eth0")]
    [InlineData("fdff:ffff:ffff:ff80")]
    [InlineData("fdff:ffff:ffff:ffff")]
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
    [InlineData("0x0a.2.0.1")]
    public void Bad_ipv4_addresses_are_refused(string text) => Assert.False(Ipv4Config.TryParse(text, out _, out _));

    [Theory]
    [InlineData("127.0.0.1/8", "loopback")]
    [InlineData("0.0.0.0/1", "/1")]
    [InlineData("0.0.0.5/24", "0.0.0.0/8")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("255.255.255.255/32", "reserved")]
    [InlineData("240.0.0.1", "reserved")]
    [InlineData("10.2.0.0/24", "network's own address")]
    [InlineData("10.2.0.255/24", "broadcast")]
    [InlineData("10.2.0.1/7", "/7")]
    public void Ipv4_addresses_no_interface_may_have_are_refused_saying_why(string text, string why)
    {
        Assert.False(Ipv4Config.TryParse(text, out _, out var error));
        Assert.Contains(why, error);
    }

    [Theory]
    [InlineData("10.2.0.0/31")]
    [InlineData("10.2.0.7/32")]
    [InlineData("10.0.0.1/8")]
    public void Point_to_point_and_wide_networks_are_accepted(string text) => Assert.True(Ipv4Config.TryParse(text, out _, out _));

    [Theory]
    [InlineData("7", "10.2.0.0", "255.255.255.0", "10.2.0.7/24")]
    [InlineData("10.2.0.9", null, "24", "10.2.0.9/24")]
    [InlineData("300", "10.1.0.0", "16", "10.1.1.44/16")]
    public void Old_ipv4_fields_give_the_address(string host, string? network, string netmask, string expected)
    {
        Assert.True(Ipv4Config.TryFromParts(host, network, netmask, out var config, out var error), error);
        Assert.Equal(expected, config!.ToString());
    }

    [Theory]
    [InlineData("4294967295", "10.1.0.0", "255.255.0.0", "does not fit")]
    [InlineData("256", "10.2.0.0", "255.255.255.0", "does not fit")]
    [InlineData("0", "10.2.0.0", "255.255.255.0", "network's own address")]
    [InlineData("255", "10.2.0.0", "255.255.255.0", "broadcast")]
    [InlineData("5", "10.2.0.1", "255.255.255.0", "bits set")]
    [InlineData("5", null, "255.255.255.0", "ipv4_network")]
    [InlineData("5", "10.2.0.0", "255.0.255.0", "netmask")]
    [InlineData("5", "10.0.0.0", "255.0.0.0.0", "netmask")]
    [InlineData("5", "0.0.0.0", "1", "/1")]
    [InlineData("127.0.0.1", null, "8", "loopback")]
    [InlineData("ten", "10.2.0.0", "24", "host number")]
    public void Old_ipv4_fields_that_give_no_usable_address_are_refused_saying_why(string host, string? network, string netmask, string why)
    {
        Assert.False(Ipv4Config.TryFromParts(host, network, netmask, out _, out var error));
        Assert.Contains(why, error);
    }

    [Fact]
    public void Option_errors_name_the_option()
    {
        Assert.False(AddressOptions.TryParse(null, "::g", null, out _, out var error));
        Assert.StartsWith("--ipv6-host", error);
    }
}
