using System.Net;
using Agent.Core.Addressing;
using Agent.Core.Protocol;

namespace Agent.Core.Tests.Addressing;

public sealed class AddressPlanTests
{
    private static readonly AddressOptions None = new();

    [Fact]
    public void Agent_N_gets_bbbb_N_fe80_N_and_10_2_0_N()
    {
        var settings = AddressPlan.AtStart(AgentName.Parse("agent_2"), None)!;
        Assert.Equal(["bbbb::2/64", "fe80::2/64", "10.2.0.2/24"], settings.Addresses.Select(a => a.ToString()));
    }

    [Fact]
    public void Agent_254_is_the_last_of_the_plan()
    {
        var settings = AddressPlan.ForName(AgentName.Parse("agent_254"))!;
        Assert.Equal(IPAddress.Parse("10.2.0.254"), settings.Ipv4!.Address);
        Assert.Equal(IPAddress.Parse("bbbb::254"), settings.GlobalAddress);
    }

    [Fact]
    public void Agent_N_announces_the_literal_tun_started_fields()
    {
        var started = AddressPlan.ForName(AgentName.Parse("agent_1"))!.ToStarted(AgentName.Parse("agent_1"));
        Assert.Equal(new TunConfigMessage("agent_1", "bbbb", "1", false, "10.2.0.1", "10.2.0.1", "10.2.0.0", "255.255.255.0"), started);
    }

    [Fact]
    public void Other_names_wait_for_tun_start_unless_all_three_options_are_given()
    {
        var name = AgentName.Parse("coap_client");
        Assert.Null(AddressPlan.AtStart(name, None));
        Assert.Null(AddressPlan.AtStart(name, new AddressOptions(Ipv6Prefix.Default, Ipv6HostId.Parse("5"))));
        var all = AddressPlan.AtStart(name, new AddressOptions(Ipv6Prefix.Parse("2001:db8:0:1"), Ipv6HostId.Parse("5"), Ipv4Config.Parse("192.0.2.5/28")))!;
        Assert.Equal(["2001:db8:0:1::5/64", "fe80::5/64", "192.0.2.5/28"], all.Addresses.Select(a => a.ToString()));
    }

    [Fact]
    public void Options_override_the_plan()
    {
        var settings = AddressPlan.AtStart(AgentName.Parse("agent_3"), new AddressOptions(Ipv6Prefix.Parse("cccc"), null, Ipv4Config.Parse("10.9.0.3")))!;
        Assert.Equal(["cccc::3/64", "fe80::3/64", "10.9.0.3/24"], settings.Addresses.Select(a => a.ToString()));
    }

    [Fact]
    public void A_tun_start_with_ipv6_only_configures_ipv6_only()
    {
        var start = new TunConfigMessage(Name: "coap_client", Ipv6Prefix: "bbbb", Ipv6Host: ":1");
        Assert.True(AddressPlan.TryFromTunStart(AgentName.Parse("coap_client"), None, start, out var settings, out _));
        Assert.Equal(["bbbb::1/64", "fe80::1/64"], settings!.Addresses.Select(a => a.ToString()));
        Assert.Null(settings.ToStarted(AgentName.Parse("coap_client")).Ipv4Address);
    }

    [Fact]
    public void A_tun_start_with_old_ipv4_fields_configures_ipv4()
    {
        var start = new TunConfigMessage(Ipv6Host: "7", Ipv4Host: "7", Ipv4Network: "10.2.0.0", Ipv4Netmask: "255.255.255.0");
        Assert.True(AddressPlan.TryFromTunStart(AgentName.Parse("eut1"), None, start, out var settings, out _));
        Assert.Equal("10.2.0.7/24", settings!.Ipv4!.ToString());
        // Announced back as the original agent does: ipv4_host as it was configured, the address beside it.
        var started = settings.ToStarted(AgentName.Parse("eut1"));
        Assert.Equal("7", started.Ipv4Host);
        Assert.Equal("10.2.0.7", started.Ipv4Address);
        Assert.Equal("10.2.0.0", started.Ipv4Network);
    }

    [Fact]
    public void A_tun_start_without_a_host_for_a_name_outside_the_plan_is_refused()
    {
        Assert.False(AddressPlan.TryFromTunStart(AgentName.Parse("eut1"), None, new TunConfigMessage(Ipv6Prefix: "bbbb"), out _, out var error));
        Assert.Contains("ipv6_host", error);
    }

    [Fact]
    public void A_tun_start_for_agent_N_fills_missing_fields_from_the_plan()
    {
        Assert.True(AddressPlan.TryFromTunStart(AgentName.Parse("agent_4"), None, new TunConfigMessage(Ipv6Prefix: "aaaa"), out var settings, out _));
        Assert.Equal(["aaaa::4/64", "fe80::4/64", "10.2.0.4/24"], settings!.Addresses.Select(a => a.ToString()));
    }

    [Theory]
    [InlineData("bbbb::1", "agent_1")]
    [InlineData("bbbb::12", "agent_12")]
    [InlineData("bbbb::254", "agent_254")]
    [InlineData("10.2.0.7", "agent_7")]
    [InlineData("bbbb::255", null)]
    [InlineData("bbbb::1a", null)]
    [InlineData("bbbb::1:2", null)]
    [InlineData("cccc::1", null)]
    [InlineData("10.2.0.255", null)]
    [InlineData("10.3.0.1", null)]
    public void A_plan_address_names_its_agent(string address, string? owner) =>
        Assert.Equal(owner, AddressPlan.OwnerOf(System.Net.IPAddress.Parse(address))?.Value);

    [Theory]
    [InlineData("ff02", null, "tun.start ipv6_prefix")]
    [InlineData("bbbb", "fdff:ffff:ffff:ffff", "tun.start ipv6_host")]
    public void A_tun_start_error_names_the_field_at_fault(string prefix, string? host, string field)
    {
        var start = new TunConfigMessage(Ipv6Prefix: prefix, Ipv6Host: host ?? "5");
        Assert.False(AddressPlan.TryFromTunStart(AgentName.Parse("eut1"), None, start, out _, out var error));
        Assert.StartsWith(field, error);
    }

    [Fact]
    public void A_tun_start_whose_ipv4_host_overflows_its_network_is_refused_not_wrapped()
    {
        var start = new TunConfigMessage(Ipv6Host: "5", Ipv4Host: "4294967295", Ipv4Network: "10.1.0.0", Ipv4Netmask: "255.255.0.0");
        Assert.False(AddressPlan.TryFromTunStart(AgentName.Parse("eut1"), None, start, out var settings, out var error));
        Assert.Null(settings);
        Assert.StartsWith("tun.start ipv4_host/ipv4_network/ipv4_netmask: ", error);
    }
}
