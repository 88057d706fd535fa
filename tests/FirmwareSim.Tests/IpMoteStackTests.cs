using System.Net;
using System.Text;
using FirmwareSim.Ip;
using FirmwareSim.Stack;
using Microsoft.Extensions.Time.Testing;
using static FirmwareSim.Tests.TestPackets;

namespace FirmwareSim.Tests;

public class IpMoteStackTests
{
    private static readonly byte[] PrefixBbbb = [0xBB, 0xBB, 0, 0, 0, 0, 0, 0];

    private readonly FakeTimeProvider _time = new();
    private readonly StringWriter _log = new();

    private IpMoteStack Mote(string? mac = null, string? address = null, string? ipv4 = null, double textEvery = 0) =>
        new(MoteIdentity.Create(mac is null ? null : Eui64.Parse(mac), address is null ? null : IPAddress.Parse(address), ipv4 is null ? null : IPAddress.Parse(ipv4)),
            TimeSpan.FromSeconds(textEvery), _time, new EventLog(_log, _time));

    private static byte[] PrefixAnswer(byte[] prefix) => [(byte)'!', (byte)'P', .. prefix];

    [Fact]
    public void Without_an_address_it_asks_for_a_prefix_every_second()
    {
        var mote = Mote();
        Assert.Equal("?P"u8.ToArray(), Assert.Single(mote.Poll()));
        Assert.Empty(mote.Poll());
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Empty(mote.Poll());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("?P"u8.ToArray(), Assert.Single(mote.Poll()));
    }

    [Fact]
    public void Prefix_answer_sets_prefix_plus_eui64_interface_id_and_stops_the_requests()
    {
        var mote = Mote(mac: "14:15:92:cc:00:00:00:03");
        mote.Poll();

        Assert.Empty(mote.Receive(PrefixAnswer(PrefixBbbb)));

        // The universal/local bit of 0x14 is inverted: 0x16 (RFC 4291 appendix A).
        Assert.Equal(IPAddress.Parse("bbbb::1615:92cc:0:3"), mote.Host.Global);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(mote.Poll());
        Assert.Contains("prefix bbbb::/64 received, address bbbb::1615:92cc:0:3", _log.ToString());
    }

    [Fact]
    public void Default_mac_gives_the_documented_interface_id()
    {
        var mote = Mote();
        mote.Receive(PrefixAnswer(PrefixBbbb));
        Assert.Equal(IPAddress.Parse("bbbb::1615:92cc:0:1"), mote.Host.Global);
        Assert.Equal(IPAddress.Parse("fe80::1615:92cc:0:1"), mote.Host.LinkLocal);
    }

    [Fact]
    public void A_fixed_address_is_kept_and_no_prefix_is_asked_for()
    {
        var mote = Mote(address: "bbbb::3");
        Assert.Empty(mote.Poll());
        mote.Receive(PrefixAnswer([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0]));
        Assert.Equal(IPAddress.Parse("bbbb::3"), mote.Host.Global);
        Assert.Equal(IPAddress.Parse("fe80::3"), mote.Host.LinkLocal);
        Assert.Equal(1, mote.Counters.IgnoredByReason[IpMoteStack.PrefixIgnored]);
    }

    [Fact]
    public void Echo_request_to_the_global_address_gets_a_reply_with_a_valid_checksum()
    {
        var mote = Mote(address: "bbbb::3");
        byte[] data = [.. "abcdefghijklmnopqrstuvwxyz"u8, 0x0D, 0x0A, 0xC0, 0xDB, 0x7E, 0x7D, 0x11, 0x13];
        var request = EchoRequest6(Host6, IPAddress.Parse("bbbb::3"), 0x1234, 7, data);
        Assert.Equal(0, Verify6(request));

        var reply = Assert.Single(mote.Receive(request));

        Assert.Equal(0x60, reply[0] & 0xF0);
        Assert.Equal(request.Length, reply.Length);
        Assert.Equal(58, reply[6]);
        Assert.Equal(64, reply[7]);
        Assert.Equal(IPAddress.Parse("bbbb::3"), Source6(reply));
        Assert.Equal(Host6, Destination6(reply));
        Assert.Equal(129, reply[40]);
        Assert.Equal(0, reply[41]);
        Assert.Equal(0x1234, Word(reply, 44));
        Assert.Equal(7, Word(reply, 46));
        Assert.Equal(data, reply[48..]);
        Assert.Equal(0, Verify6(reply));
        Assert.Equal(1, mote.Counters.EchoReplies);
    }

    [Fact]
    public void Echo_request_to_the_link_local_address_is_answered_from_it()
    {
        var mote = Mote();
        var request = EchoRequest6(IPAddress.Parse("fe80::1"), IPAddress.Parse("fe80::1615:92cc:0:1"), 1, 1, [1, 2, 3]);
        var reply = Assert.Single(mote.Receive(request));
        Assert.Equal(IPAddress.Parse("fe80::1615:92cc:0:1"), Source6(reply));
        Assert.Equal(0, Verify6(reply));
    }

    [Fact]
    public void Echo_request_to_the_learnt_address_is_answered_only_once_it_is_learnt()
    {
        var mote = Mote();
        var request = EchoRequest6(Host6, IPAddress.Parse("bbbb::1615:92cc:0:1"), 1, 1, [1, 2, 3]);
        Assert.Empty(mote.Receive(request));
        mote.Receive(PrefixAnswer(PrefixBbbb));
        Assert.Equal(0, Verify6(Assert.Single(mote.Receive(request))));
    }

    [Fact]
    public void Packets_for_others_or_with_bad_checksums_are_ignored()
    {
        var mote = Mote(address: "bbbb::3");
        Assert.Empty(mote.Receive(EchoRequest6(Host6, IPAddress.Parse("bbbb::4"), 1, 1, [1])));
        var corrupted = EchoRequest6(Host6, IPAddress.Parse("bbbb::3"), 1, 1, [1, 2]);
        corrupted[^1] ^= 0x40;
        Assert.Empty(mote.Receive(corrupted));
        var truncated = EchoRequest6(Host6, IPAddress.Parse("bbbb::3"), 1, 1, [1, 2])[..44];
        Assert.Empty(mote.Receive(truncated));

        Assert.Equal(1, mote.Counters.IgnoredByReason[IpOutcome.NotForMe]);
        Assert.Equal(1, mote.Counters.IgnoredByReason[IpOutcome.BadChecksum]);
        Assert.Equal(1, mote.Counters.IgnoredByReason[IpOutcome.Malformed]);
        Assert.Equal(0, mote.Counters.EchoReplies);
    }

    [Fact]
    public void Udp_to_port_7_is_echoed_with_ports_and_addresses_swapped()
    {
        var mote = Mote(address: "bbbb::3");
        var data = Encoding.ASCII.GetBytes("hello mote");
        var request = Udp6(Host6, IPAddress.Parse("bbbb::3"), 40000, 7, data);

        var reply = Assert.Single(mote.Receive(request));

        Assert.Equal(17, reply[6]);
        Assert.Equal(IPAddress.Parse("bbbb::3"), Source6(reply));
        Assert.Equal(Host6, Destination6(reply));
        Assert.Equal(7, Word(reply, 40));
        Assert.Equal(40000, Word(reply, 42));
        Assert.Equal(8 + data.Length, Word(reply, 44));
        Assert.NotEqual(0, Word(reply, 46)); // mandatory over IPv6
        Assert.Equal(0, Verify6(reply));
        Assert.Equal(data, reply[48..]);
        Assert.Equal(1, mote.Counters.UdpEchoes);
    }

    [Fact]
    public void Udp_to_another_port_is_ignored()
    {
        var mote = Mote(address: "bbbb::3");
        Assert.Empty(mote.Receive(Udp6(Host6, IPAddress.Parse("bbbb::3"), 40000, 5683, [1])));
        Assert.Equal(1, mote.Counters.IgnoredByReason[IpOutcome.ClosedPort]);
    }

    [Fact]
    public void Icmp_echo_over_ipv4_gets_a_reply_with_valid_header_and_icmp_checksums()
    {
        var mote = Mote(address: "bbbb::3", ipv4: "10.2.0.3");
        var request = EchoRequest4(Host4, IPAddress.Parse("10.2.0.3"), 0x4242, 9, [9, 8, 7, 6, 5]);

        var reply = Assert.Single(mote.Receive(request));

        Assert.Equal(0x45, reply[0]);
        Assert.Equal(reply.Length, Word(reply, 2));
        Assert.Equal(1, reply[9]);
        Assert.Equal(0, OnesComplementSum(reply[..20]));
        Assert.Equal(IPAddress.Parse("10.2.0.3"), new IPAddress(reply.AsSpan(12, 4)));
        Assert.Equal(Host4, new IPAddress(reply.AsSpan(16, 4)));
        Assert.Equal(0, reply[20]);
        Assert.Equal(0x4242, Word(reply, 24));
        Assert.Equal(9, Word(reply, 26));
        Assert.Equal(0, OnesComplementSum(reply[20..]));
        Assert.Equal(new byte[] { 9, 8, 7, 6, 5 }, reply[28..]);
    }

    [Fact]
    public void Udp_echo_over_ipv4()
    {
        var mote = Mote(address: "bbbb::3", ipv4: "10.2.0.3");
        var reply = Assert.Single(mote.Receive(Udp4(Host4, IPAddress.Parse("10.2.0.3"), 5000, 7, [1, 2, 3])));
        Assert.Equal(0, OnesComplementSum(reply[..20]));
        Assert.Equal(7, Word(reply, 20));
        Assert.Equal(5000, Word(reply, 22));
        Assert.Equal(0, VerifyUdp4(reply));
        Assert.Equal(new byte[] { 1, 2, 3 }, reply[28..]);
    }

    [Fact]
    public void Ipv4_without_an_ipv4_address_is_ignored()
    {
        var mote = Mote(address: "bbbb::3");
        Assert.Empty(mote.Receive(EchoRequest4(Host4, IPAddress.Parse("10.2.0.3"), 1, 1, [])));
        Assert.Equal(1, mote.Counters.IgnoredByReason[IpOutcome.NoIpv4Address]);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x99, 1, 2, 3 })]
    [InlineData(new byte[] { 0x00 })]
    [InlineData(new byte[] { (byte)'!', (byte)'X' })]
    [InlineData(new byte[] { (byte)'!', (byte)'P', 0xBB })]
    [InlineData(new byte[] { (byte)'?', (byte)'Z' })]
    [InlineData(new byte[] { 0x0A, (byte)'h', (byte)'i' })]
    [InlineData(new byte[] { 0x60, 0, 0 })]
    [InlineData(new byte[] { 0x45, 0, 0, 20 })]
    public void Junk_is_ignored_and_counted(byte[] frame)
    {
        var mote = Mote(address: "bbbb::3");
        Assert.Empty(mote.Receive(frame));
        Assert.Equal(1, mote.Counters.Ignored);
        Assert.Equal(1, mote.Counters.FramesReceived);
        Assert.Equal(IPAddress.Parse("bbbb::3"), mote.Host.Global);
    }

    [Fact]
    public void Mac_query_is_answered_in_hex()
    {
        var mote = Mote(mac: "14:15:92:cc:00:00:00:03");
        Assert.Equal("!M141592cc00000003", Encoding.ASCII.GetString(Assert.Single(mote.Receive("?M"u8))));
    }

    [Fact]
    public void Text_lines_start_with_a_newline_and_come_every_period()
    {
        var mote = Mote(address: "bbbb::3", textEvery: 5);
        mote.Receive(EchoRequest6(Host6, IPAddress.Parse("bbbb::3"), 1, 1, []));
        Assert.Empty(mote.Poll());
        _time.Advance(TimeSpan.FromSeconds(5));
        var line = Assert.Single(mote.Poll());
        Assert.Equal(0x0A, line[0]);
        Assert.StartsWith("\nmote: up 5 s, 1 echo replies", Encoding.ASCII.GetString(line));
        Assert.All(line, b => Assert.InRange(b, 0x0A, 0x7E));
        Assert.Empty(mote.Poll());
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Single(mote.Poll());
    }

    [Fact]
    public void A_given_text_goes_out_byte_for_byte_control_characters_and_all()
    {
        var mote = new IpMoteStack(MoteIdentity.Create(null, IPAddress.Parse("bbbb::3"), null), TimeSpan.FromSeconds(1), _time,
            new EventLog(_log, _time), "ok\n00:00:00.000 ERR forged\u001b[2J\a");
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("\nok\n00:00:00.000 ERR forged\u001b[2J\a", Encoding.ASCII.GetString(Assert.Single(mote.Poll())));
    }
}
