using Agent.Testing;
using System.Text.Json;
using Agent.Framing;
using FirmwareSim.Mesh;
using FirmwareSim.OpenWsn;
using Microsoft.Extensions.Time.Testing;
using static FirmwareSim.Tests.TestPackets;

namespace FirmwareSim.Tests;

/// <summary>Traffic through the DAG root and its mesh, frame for frame against shared/vectors/openwsn.</summary>
public class OpenWsnMeshTrafficTests : OpenWsnStackTestBase
{
    // ---- host -> mesh -> host

    [Fact]
    public void Pings_to_A_and_B_come_back_as_the_vectors_record_the_replies()
    {
        var root = RootedRoot();
        Assert.Equal(Frame(MoteToPcData[0]), Assert.Single(Send(root, Frames(PcToMote[0]))));
        Assert.Equal(Frame(MoteToPcData[1]), Assert.Single(Send(root, Frames(PcToMote[1]))));
        Assert.Equal(2, root.Counters.EchoReplies);
    }

    [Fact]
    public void Ping_to_C_three_hops_down_gets_a_reply_with_a_good_checksum()
    {
        var root = RootedRoot();
        var reply = Assert.Single(Send(root, Frames(PcToMote[2])));
        var ipv6 = UpstreamReader.ToIpv6(UpstreamReader.Lowpan(reply), out var rpi);
        Assert.Equal(0x83, rpi);
        Assert.Equal(0, Verify6(ipv6));
        Assert.Equal(Convert.FromHexString("bbbb000000000000141592cc00000004"), ipv6[8..24]);
        Assert.Equal(Convert.FromHexString("bbbb0000000000000000000000000001"), ipv6[24..40]);
        var request = PcToMote[2].Hex("ipv6_from_tun_hex");
        Assert.Equal(129, ipv6[40]);
        Assert.Equal(request[44..], ipv6[44..]);
    }

    [Fact]
    public void Udp_to_port_7_is_echoed()
    {
        var root = RootedRoot();
        var reply = Assert.Single(Send(root, Frames(PcToMote[3])));
        var ipv6 = UpstreamReader.ToIpv6(UpstreamReader.Lowpan(reply), out _);
        Assert.Equal(17, ipv6[6]);
        Assert.Equal(0, Verify6(ipv6));
        Assert.Equal(7, Word(ipv6, 40));
        Assert.Equal(50000, Word(ipv6, 42));
        Assert.Equal("hello mote"u8.ToArray(), ipv6[48..]);
        Assert.Equal(1, root.Counters.UdpEchoes);
    }

    [Fact]
    public void Ping_from_off_prefix_is_answered_through_ip_in_ip()
    {
        var root = RootedRoot();
        var reply = Assert.Single(Send(root, Frames(PcToMote[4])));
        var lowpan = UpstreamReader.Lowpan(reply);
        Assert.Equal(Convert.FromHexString("f1830503b10640bbbb000000000000141592cc000000037a003a"), lowpan[..26]);
        var ipv6 = UpstreamReader.ToIpv6(lowpan, out _);
        Assert.Equal(0, Verify6(ipv6));
        Assert.Equal(Convert.FromHexString("20010db8000000000000000000000001"), ipv6[24..40]);
    }

    [Fact]
    public void A_fragmented_udp_datagram_is_reassembled_and_its_echo_fragmented()
    {
        var root = RootedRoot();
        var frames = Frames(PcToMote[5]).ToList();
        Assert.Empty(root.Receive(frames[0]));
        var replies = root.Receive(frames[1]);
        Assert.Equal(2, replies.Count);
        var lowpans = replies.Select(f => UpstreamReader.Lowpan(f)).ToList();
        Assert.Equal(0xC0, lowpans[0][0] & 0xF8);
        Assert.Equal(84, lowpans[0].Length);
        Assert.Equal("0216", Convert.ToHexStringLower(lowpans[0], 2, 2)); // A's tag: 0x0215 + 1, its first fragmented datagram
        var ipv6 = UpstreamReader.ToIpv6(UpstreamReader.Reassemble(lowpans), out _);
        Assert.Equal(0, Verify6(ipv6));
        Assert.Equal(PcToMote[5].Hex("ipv6_from_tun_hex")[48..], ipv6[48..]);
    }

    [Fact]
    public void Default_pings_to_A_and_C_bring_the_fragmented_replies_of_the_vectors()
    {
        var root = RootedRoot();
        _asn.Then(0x01250f, 0x012574);
        Assert.Equal(Frames(Fragmented[1]), Send(root, Frames(DefaultPing[0])));
        _asn.Then(0x012445, 0x0124aa);
        Assert.Equal(Frames(Fragmented[0]), Send(root, Frames(DefaultPing[1])));

        // C's rank now has a non-zero low byte: a 4-byte RPI, an 88-byte datagram, and a 79-byte FRAG1 after A's rewrite.
        root.Mesh.Motes[2].Rank = 0x05C0;
        _asn.Then(0x0125d9, 0x01263e);
        Assert.Equal(Frames(Fragmented[2]), Send(root, Frames(DefaultPing[1])));
    }

    [Fact]
    public void Packets_originated_in_the_mesh_are_bridged_as_the_vectors_record_them()
    {
        var root = RootedRoot();
        var mesh = root.Mesh;
        // uinject from C: an inline UDP header (the vector's correct packet, not OpenVisualizer's mis-decoding).
        var uinject = MoteToPcData[2].Hex("correct_ipv6_hex");
        Assert.Equal(Frame(MoteToPcData[2]), Bridged(mesh.SendUp(mesh.Motes[2], uinject)));
        // From A to an off-prefix host, A's rank 0x0313 (2-byte rank in the RPI).
        mesh.Motes[0].Rank = 0x0313;
        var offPrefix = MoteToPcData[3].Hex("decompressed_ipv6_hex (what openvisualizer writes to TUN)");
        Assert.Equal(Frame(MoteToPcData[3]), Bridged(mesh.SendUp(mesh.Motes[0], offPrefix)));
    }

    [Theory]
    [InlineData("frag1-short", OpenWsnMoteStack.FragmentDropped)]
    [InlineData("bad-checksum", "bad-checksum")]
    [InlineData("next-hop-not-child", OpenWsnMoteStack.MeshDrop)]
    [InlineData("route-skips-a-hop", OpenWsnMoteStack.MeshDrop)]
    [InlineData("nhc", OpenWsnMoteStack.MeshDrop)]
    [InlineData("too-long", OpenWsnMoteStack.TooLong)]
    [InlineData("not-for-a-mote", OpenWsnMoteStack.MeshDrop)]
    public void What_a_mesh_would_lose_gets_no_answer(string fault, string reason)
    {
        var root = RootedRoot();
        var ping = Frame(PcToMote[0].GetProperty("frames")[0]);
        var pingC = Frame(PcToMote[2].GetProperty("frames")[0]);
        List<byte[]> frames = fault switch
        {
            // FRAG1 with 79 bytes: every later byte would land one place off.
            "frag1-short" => [.. Frames(DefaultPing[1]).Select((f, i) => i == 0 ? f[..^1] : f)],
            "bad-checksum" => [[.. ping[..^1], (byte)(ping[^1] ^ 1)]],
            "next-hop-not-child" => [[ping[0], .. Convert.FromHexString("141592cc00000003"), .. ping[9..]]],
            // The type-0 hop names C instead of B: A would have to reach C, which is not its neighbour.
            "route-skips-a-hop" => [[.. pingC[..22], 0x04, .. pingC[23..]]],
            // IPHC with NH=1 (NHC): OpenWSN carries L4 headers inline.
            "nhc" => [[.. ping[..10], 0x7E, .. ping[11..]]],
            // 110 bytes sent whole: more than one radio frame holds.
            "too-long" => [[.. ping, .. new byte[50]]],
            // To the root's own address: the root is not reachable through the bridge.
            _ => [[.. ping[..^48], .. Convert.FromHexString("141592cc00000001"), .. ping[^40..]]],
        };
        Assert.Empty(Send(root, frames));
        Assert.Equal(0, root.Counters.EchoReplies);
        Assert.Equal(1, root.Counters.IgnoredByReason[reason]);
    }

    [Fact]
    public void Incomplete_fragments_expire_after_60_seconds()
    {
        var root = RootedRoot();
        Assert.Empty(root.Receive(Frames(DefaultPing[1]).First()));
        _time.Advance(TimeSpan.FromSeconds(59));
        root.Poll();
        Assert.Equal(0, root.Counters.IgnoredByReason.GetValueOrDefault(OpenWsnMoteStack.ReassemblyTimeout));
        _time.Advance(TimeSpan.FromSeconds(1));
        root.Poll();
        Assert.Equal(1, root.Counters.IgnoredByReason[OpenWsnMoteStack.ReassemblyTimeout]);
        Assert.Empty(root.Receive(Frames(DefaultPing[1]).Last()));
    }

    [Fact]
    public void The_root_alone_sends_no_daos_and_drops_data()
    {
        var root = RootedRoot(mesh: new MeshNetwork(RootEui, []));
        Assert.Empty(PollFor(root, TimeSpan.FromSeconds(2)));
        Assert.Empty(Send(root, Frames(PcToMote[0])));
    }

    private byte[] Bridged(IReadOnlyList<byte[]> pieces) =>
        [.. Convert.FromHexString("4400014523010000141592cc00000001141592cc00000002"), .. Assert.Single(pieces)];
}
