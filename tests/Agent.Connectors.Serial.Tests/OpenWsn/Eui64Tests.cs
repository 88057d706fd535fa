using System.Net;
using Agent.Connectors.Serial.OpenWsn;
using Agent.Core.Addressing;

namespace Agent.Connectors.Serial.Tests.OpenWsn;

public class Eui64Tests
{
    [Fact]
    public void Reads_bytes_in_transmission_order_and_prints_them_with_dashes()
    {
        var eui = Eui64.Read(Convert.FromHexString("141592cc00000002"));
        Assert.Equal(0x141592cc00000002UL, eui.Value);
        Assert.Equal("14-15-92-cc-00-00-00-02", eui.ToString());
        Assert.Equal("141592cc00000002", Convert.ToHexStringLower(eui.ToBytes()));
        Assert.Equal((ushort)2, eui.ShortId);
    }

    [Theory]
    [InlineData("14-15-92-cc-00-00-00-02")]
    [InlineData("14:15:92:CC:00:00:00:02")]
    [InlineData("141592cc00000002")]
    public void Parses_text(string text) => Assert.Equal(new Eui64(0x141592cc00000002UL), Eui64.Parse(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("14-15-92-cc-00-00-00")]
    [InlineData("14-15-92-cc:00-00-00-02")]
    [InlineData("14-15-92-cc-00-00-00-0g")]
    [InlineData("141592cc0000000")]
    public void Refuses_what_is_not_an_eui64(string? text)
    {
        Assert.False(Eui64.TryParse(text, out _));
        if (text is not null) Assert.Throws<FormatException>(() => Eui64.Parse(text));
    }

    [Fact]
    public void Address_is_prefix_plus_eui64_unchanged_without_the_ul_flip()
    {
        var address = Eui64.Parse("14-15-92-cc-00-00-00-02").WithPrefix(Ipv6Prefix.Parse("bbbb::/64"));
        Assert.Equal(IPAddress.Parse("bbbb::1415:92cc:0:2"), address);
        Assert.Equal(Eui64.Parse("14-15-92-cc-00-00-00-02"), Eui64.FromInterfaceId(address));
    }

    [Fact]
    public void Read_refuses_fewer_than_8_bytes() =>
        Assert.Throws<ArgumentException>(() => Eui64.Read(new byte[7]));
}
