using System.Net;
using FirmwareSim.Ip;
using FirmwareSim.OpenWsn;
using FirmwareSim.Tcp;

namespace FirmwareSim.Tests;

public class SettingsTests
{
    private static MoteSettings Parse(string payload = "ip", string? address = null, string? mac = null, string? ipv4 = null,
        int baud = 115200, double? unplug = null, double? replug = null, string link = "/tmp/mote-settings-test") =>
        MoteSettings.Parse(link, "slip", payload, address, mac, ipv4, baud, 0, 0, unplug, replug, 5, null);

    [Theory]
    [InlineData("14:15:92:cc:00:00:00:03", "14:15:92:cc:00:00:00:03")]
    [InlineData("14-15-92-CC-00-00-00-03", "14:15:92:cc:00:00:00:03")]
    [InlineData("141592cc00000003", "14:15:92:cc:00:00:00:03")]
    [InlineData("14:15:92:00:00:03", "14:15:92:ff:fe:00:00:03")]
    public void Eui64_formats(string text, string expected)
    {
        Assert.True(Eui64.TryParse(text, out var eui64));
        Assert.Equal(expected, eui64!.ToString());
    }

    [Theory]
    [InlineData("14:15:92:cc:00:00:00")]
    [InlineData("14:15:92:cc:00:00:00:0g")]
    [InlineData("141:5:92:cc:00:00:00:03")]
    [InlineData("")]
    public void Eui64_rejects(string text) => Assert.False(Eui64.TryParse(text, out _));

    [Fact]
    public void Interface_id_inverts_the_universal_local_bit_and_on_air_order_is_reversed()
    {
        var eui64 = Eui64.Parse("00:12:4b:00:04:33:ed:9c");
        Assert.Equal(new byte[] { 0x02, 0x12, 0x4B, 0x00, 0x04, 0x33, 0xED, 0x9C }, eui64.InterfaceIdentifier());
        Assert.Equal(new byte[] { 0x9C, 0xED, 0x33, 0x04, 0x00, 0x4B, 0x12, 0x00 }, eui64.OnAir());
    }

    [Fact]
    public void Identity_rules()
    {
        Assert.Equal(IPAddress.Parse("fe80::1615:92cc:0:1"), Parse().Identity.LinkLocal);
        Assert.Null(Parse().Identity.Address);
        Assert.Equal(IPAddress.Parse("fe80::3"), Parse(address: "bbbb::3").Identity.LinkLocal);
        Assert.Equal(IPAddress.Parse("fe80::1615:92cc:0:7"), Parse(address: "bbbb::3", mac: "14:15:92:cc:00:00:00:07").Identity.LinkLocal);
        Assert.Equal(IPAddress.Parse("10.2.0.3"), Parse(ipv4: "10.2.0.3/24").Identity.Ipv4);
    }

    [Theory]
    [InlineData("address", "10.2.0.3")]
    [InlineData("address", "ff02::1")]
    [InlineData("address", "nonsense")]
    [InlineData("mac", "14:15")]
    [InlineData("ipv4", "bbbb::3")]
    [InlineData("ipv4", "10.2.0.3/40")]
    [InlineData("ipv4", "10.2.3")]
    [InlineData("baud", "0")]
    [InlineData("unplug", "0")]
    [InlineData("replug", "1")]
    [InlineData("link", "/no/such/directory/mote0")]
    [InlineData("payload", "ipv4-on-802154")]
    public void Bad_values_give_one_line(string option, string value)
    {
        var e = Assert.Throws<UsageException>(() => option switch
        {
            "address" => Parse(address: value),
            "mac" => Parse(mac: value),
            "ipv4" => Parse(ipv4: value),
            "baud" => Parse(baud: int.Parse(value)),
            "unplug" => Parse(unplug: double.Parse(value)),
            "replug" => Parse(replug: double.Parse(value)),
            "link" => Parse(link: value),
            _ => Parse(payload: "802154", ipv4: "10.2.0.3"),
        });
        Assert.DoesNotContain('\n', e.Message);
    }

    private static MoteSettings ParseNetwork(string? listen, double? dropAfter = null, string? link = null, double? unplug = null) =>
        MoteSettings.Parse(link, "slip", "ip", null, null, null, 115200, 0, 0, unplug, null, 5, null, null, new NetworkArguments(listen, dropAfter));

    [Fact]
    public void Listen_serves_over_tcp_or_rfc2217_with_an_optional_drop()
    {
        var raw = ParseNetwork("tcp://127.0.0.1:26001");
        Assert.Null(raw.Link);
        Assert.Equal(new ListenAddress(new IPEndPoint(IPAddress.Loopback, 26001), Telnet: false), raw.Listen);
        Assert.Null(raw.DropAfter);
        var telnet = ParseNetwork("rfc2217://[::]:0", dropAfter: 2.5);
        Assert.Equal(new ListenAddress(new IPEndPoint(IPAddress.IPv6Any, 0), Telnet: true), telnet.Listen);
        Assert.Equal(TimeSpan.FromSeconds(2.5), telnet.DropAfter);
        Assert.Equal("rfc2217://[::]:4001", telnet.Listen!.ToString(4001));
        Assert.Equal("tcp://127.0.0.1:26001", ParseNetwork("tcp://localhost:26001").Listen!.ToString());
    }

    [Theory]
    [InlineData(null, null, null, null, "--link PATH")]
    [InlineData("tcp://127.0.0.1:26001", null, "/tmp/mote0", null, "do not go together")]
    [InlineData("tcp://127.0.0.1:26001", null, null, 3.0, "--unplug-after needs --link")]
    [InlineData(null, 3.0, "/tmp/mote0", null, "--drop-after needs --listen")]
    [InlineData("tcp://127.0.0.1:26001", 0.0, null, null, "--drop-after must be")]
    [InlineData("udp://127.0.0.1:26001", null, null, null, "is not tcp://ADDRESS:PORT")]
    [InlineData("tcp://127.0.0.1", null, null, null, "needs a port")]
    [InlineData("tcp://motehost:26001", null, null, null, "is not an IP address")]
    public void Bad_listen_options_give_one_line(string? listen, double? dropAfter, string? link, double? unplug, string problem)
    {
        var e = Assert.Throws<UsageException>(() => ParseNetwork(listen, dropAfter, link, unplug));
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    private static MoteSettings ParseOpenWsn(OpenWsnArguments arguments, string payload = "openwsn", string? framing = null, string? mac = null) =>
        MoteSettings.Parse("/tmp/mote-settings-test", framing, payload, null, mac, null, 115200, 0, 0, null, null, 5, null, arguments);

    [Fact]
    public void Openwsn_defaults_to_hdlc_four_motes_status_and_a_5_s_dao_period()
    {
        var settings = ParseOpenWsn(new OpenWsnArguments());
        Assert.Equal(FramingKind.Hdlc, settings.Framing);
        Assert.Equal(PayloadKind.OpenWsn, settings.Payload);
        Assert.Equal(OpenWsnOptions.Default, settings.OpenWsn);
        Assert.Equal(TimeSpan.Zero, settings.TextEvery);
        Assert.Equal("hdlc, openwsn, 115200 baud", settings.Describe());
        Assert.Equal(FramingKind.Slip, Parse().Framing);

        var given = ParseOpenWsn(new OpenWsnArguments(Motes: 6, DaoPeriod: 0.5, RebootAfter: 3, NoStatus: true, FragmentDaos: true)).OpenWsn;
        Assert.Equal(new OpenWsnOptions(6, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(3), false, true), given);
    }

    [Fact]
    public void The_chain_follows_the_roots_eui64()
    {
        var mesh = FirmwareSim.Mesh.MeshNetwork.Chain(Eui64.Parse("14:15:92:cc:00:00:00:01").Bytes, 4, new Random(1));
        Assert.Equal(["A", "B", "C"], mesh.Motes.Select(m => m.Name));
        Assert.Equal(["141592cc00000002", "141592cc00000003", "141592cc00000004"], mesh.Motes.Select(m => Convert.ToHexStringLower(m.Eui64)));
        Assert.Equal([0x0300, 0x0400, 0x0500], mesh.Motes.Select(m => (int)m.Rank));
        Assert.All(mesh.Motes, m => Assert.InRange(m.NextFragmentTag(), 1, 0x800));
    }

    [Theory]
    [InlineData("framing")]
    [InlineData("motes-0")]
    [InlineData("motes-33")]
    [InlineData("dao-period")]
    [InlineData("reboot-after")]
    [InlineData("motes-without-openwsn")]
    [InlineData("no-status-without-openwsn")]
    public void Bad_openwsn_values_give_one_line(string what)
    {
        var e = Assert.Throws<UsageException>(() => what switch
        {
            "framing" => ParseOpenWsn(new OpenWsnArguments(), framing: "slip"),
            "motes-0" => ParseOpenWsn(new OpenWsnArguments(Motes: 0)),
            "motes-33" => ParseOpenWsn(new OpenWsnArguments(Motes: 33)),
            "dao-period" => ParseOpenWsn(new OpenWsnArguments(DaoPeriod: 0)),
            "reboot-after" => ParseOpenWsn(new OpenWsnArguments(RebootAfter: -1)),
            "motes-without-openwsn" => ParseOpenWsn(new OpenWsnArguments(Motes: 4), payload: "ip"),
            _ => ParseOpenWsn(new OpenWsnArguments(NoStatus: true), payload: "802154"),
        });
        Assert.DoesNotContain('\n', e.Message);
    }
}
