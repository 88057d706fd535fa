using Agent.Testing;
using System.Text.Json;
using Agent.Framing;
using FirmwareSim.Mesh;
using FirmwareSim.OpenWsn;
using Microsoft.Extensions.Time.Testing;
using static FirmwareSim.Tests.TestPackets;

namespace FirmwareSim.Tests;

/// <summary>The DAG root and its mesh without a pseudo-terminal, frame for frame against shared/vectors/openwsn.</summary>
public class OpenWsnMoteStackTests
{
    private static readonly byte[] RootEui = Convert.FromHexString("141592cc00000001");
    private static readonly byte[] SetRootToggle = OpenWsnVectors.Load("pc_to_mote_setroot.json").GetProperty("pc_to_mote_setroot").Hex("raw_frame_hex");
    private static readonly byte[] SetRootYes = [(byte)'R', (byte)'Y', .. SetRootToggle[2..]];
    private static readonly JsonElement[] MoteToPcData = OpenWsnVectors.Array("mote_to_pc_data");
    private static readonly JsonElement[] Daos = OpenWsnVectors.Array("mote_to_pc_dao", "mote_to_pc_dao_and_topology");
    private static readonly JsonElement[] Fragmented = OpenWsnVectors.Array("mote_to_pc_fragmented");
    private static readonly JsonElement[] PcToMote = OpenWsnVectors.Array("pc_to_mote_data");
    private static readonly JsonElement[] DefaultPing = OpenWsnVectors.Array("pc_to_mote_default_ping");
    private static readonly JsonElement[] Status = OpenWsnVectors.Array("status_frames");

    private readonly FakeTimeProvider _time = new();
    private readonly ScriptedAsn _asn = new();
    private readonly StringWriter _log = new();

    // The vectors' network: ranks 0x0300/0x0400/0x0500 and the fragment tags their derivations give (A 0x0215, C 0x043b).
    private static MeshNetwork VectorMesh() => new(RootEui,
    [
        new MeshMote("A", Convert.FromHexString("141592cc00000002"), 0x0300, 0x0215),
        new MeshMote("B", Convert.FromHexString("141592cc00000003"), 0x0400, 0x0100),
        new MeshMote("C", Convert.FromHexString("141592cc00000004"), 0x0500, 0x043b),
    ]);

    private OpenWsnMoteStack Root(OpenWsnOptions? options = null, MeshNetwork? mesh = null)
    {
        var root = new OpenWsnMoteStack(RootEui, mesh ?? VectorMesh(), options ?? OpenWsnOptions.Default, _asn, _time, new EventLog(_log, _time));
        Assert.Equal(Convert.FromHexString("550001014f00000000"), Assert.Single(root.Poll())); // 'U' booted
        return root;
    }

    private OpenWsnMoteStack RootedRoot(OpenWsnOptions? options = null, MeshNetwork? mesh = null)
    {
        var root = Root(options ?? OpenWsnOptions.Default with { Status = false }, mesh);
        Assert.Empty(root.Receive(SetRootYes));
        return root;
    }

    private static byte[] Frame(JsonElement vectorFrame) => vectorFrame.Hex("raw_frame_hex");

    private static IEnumerable<byte[]> Frames(JsonElement vector) => vector.GetProperty("frames").EnumerateArray().Select(Frame);

    // Everything a host frame list brings back.
    private static List<byte[]> Send(OpenWsnMoteStack root, IEnumerable<byte[]> frames) => [.. frames.SelectMany(f => root.Receive(f))];

    private List<byte[]> PollFor(OpenWsnMoteStack root, TimeSpan span)
    {
        var frames = new List<byte[]>();
        for (var t = TimeSpan.Zero; t < span; t += TimeSpan.FromMilliseconds(20))
        {
            _time.Advance(TimeSpan.FromMilliseconds(20));
            frames.AddRange(root.Poll());
        }
        return frames;
    }

    // ---- serial line

    [Fact]
    public void Xon_xoff_escaping_gives_the_vector_wire_bytes()
    {
        var vector = OpenWsnVectors.Load("hdlc_xonxoff.json").GetProperty("hdlc_xonxoff_corner_case");
        var hdlc = HdlcFrame(vector.Hex("raw_hex"));
        Assert.Equal(vector.Hex("hdlc_frame_hex"), hdlc);
        // The vector's stream starts with a stray XON and ends with an XOFF.
        byte[] stream = [XonXoffEscaper.Xon, .. XonXoffEscaper.Apply(hdlc), XonXoffEscaper.Xoff];
        Assert.Equal(vector.Hex("uart_wire_hex"), stream);
    }

    [Fact]
    public void Every_uart_wire_vector_is_hdlc_then_xon_xoff()
    {
        var cases = 0;
        foreach (var vector in MoteToPcData.Concat(Daos).Concat(Fragmented.SelectMany(f => f.GetProperty("frames").EnumerateArray())))
        {
            Assert.Equal(vector.Hex("uart_wire_hex"), XonXoffEscaper.Apply(HdlcFrame(Frame(vector))));
            cases++;
        }
        Assert.Equal(13, cases);
    }

    [Fact]
    public void Serial_echo_answers_as_the_probe_vector()
    {
        var vector = OpenWsnVectors.Load("serial_echo_probe.json").GetProperty("serial_echo_probe");
        var root = Root();
        var reply = Assert.Single(root.Receive(vector.Hex("pc_to_mote_raw_hex")));
        Assert.Equal(vector.Hex("mote_to_pc_raw_hex"), reply);
        Assert.Equal(vector.Hex("mote_to_pc_uart_wire_hex"), XonXoffEscaper.Apply(HdlcFrame(reply)));
    }

    [Fact]
    public void Status_frames_cycle_from_id_manager_and_match_the_vectors_before_and_after_R()
    {
        var root = Root();
        var before = PollFor(root, TimeSpan.FromMilliseconds(1300));
        Assert.Equal(13, before.Count);
        Assert.All(before, f => Assert.Equal((byte)'S', f[0]));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0], before.Select(f => (int)f[3]));
        Assert.Equal(Status[0].Hex("raw_frame_hex"), before[0]);

        Assert.Empty(root.Receive(SetRootToggle));
        var after = PollFor(root, TimeSpan.FromMilliseconds(1300)).Where(f => f[0] == 'S').ToList();
        Assert.Equal(Status[1].Hex("raw_frame_hex"), after.Single(f => f[3] == 1));
        Assert.Equal(Status[2].Hex("raw_frame_hex"), after.Single(f => f[3] == 0));
        Assert.Equal(Status[3].Hex("raw_frame_hex"), after.Single(f => f[3] == 2));
        Assert.Equal(Status[4].Hex("raw_frame_hex"), after.Single(f => f[3] == 4));
        Assert.Equal([1, 21, 2, 4, 5, 15, 31, 2, 40, 40, 2, 5, 2], after.OrderBy(f => f[3]).Select(f => f.Length - 4));
    }

    [Fact]
    public void No_status_prints_none()
    {
        var root = Root(OpenWsnOptions.Default with { Status = false });
        Assert.Empty(PollFor(root, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void Input_limits_are_logged_as_the_firmware_does()
    {
        var logs = OpenWsnVectors.Array("log_frames");
        var root = RootedRoot();
        // A D body of 140 bytes: the vector's "input length problem, length=140".
        Assert.Equal(logs[0].Hex("raw_frame_hex"), Assert.Single(root.Receive([(byte)'D', .. new byte[140]])));
        Assert.Equal(Convert.FromHexString("450001114e00070000"), Assert.Single(root.Receive([(byte)'D', .. new byte[7]])));
        Assert.Equal(Convert.FromHexString("450001114e007f0000"), Assert.Single(root.Receive([(byte)'D', .. new byte[127]])));
        // Type + body + FCS must stay at 199 bytes: 197 of payload pass the buffer, 198 overflow it.
        Assert.Equal(Convert.FromHexString("450001044300000000"), Assert.Single(root.Receive(new byte[198])));
        Assert.Equal(Convert.FromHexString("450001024e00190000"), Assert.Single(root.Receive(SetRootYes[..^1])));
        Assert.Equal(Convert.FromHexString("450001044200000000"), Assert.Single(root.Receive([])));
        Assert.Equal(Convert.FromHexString("450001044200000000"), Assert.Single(root.Undecodable(FrameError.BadFcs)));
        Assert.Empty(root.Receive("C\u0001\u0002"u8));
    }

    // ---- R, reboot, DAOs

    [Fact]
    public void R_toggles_or_sets_the_root_and_its_prefix()
    {
        var root = Root();
        Assert.False(root.IsDagRoot);
        Assert.Equal(Convert.FromHexString("fe80000000000000"), root.Prefix.ToArray());
        root.Receive(SetRootToggle);
        Assert.True(root.IsDagRoot);
        Assert.Equal(UpstreamReader.Prefix, root.Prefix.ToArray());
        Assert.Equal(Convert.FromHexString("000102030405060708090a0b0c0d0e0f"), root.Key.ToArray());
        root.Receive(SetRootYes);
        Assert.True(root.IsDagRoot);
        root.Receive(SetRootToggle);
        Assert.False(root.IsDagRoot);
    }

    [Fact]
    public void Daos_from_every_mote_within_one_second_of_R_equal_the_vectors_then_every_dao_period()
    {
        var root = Root(OpenWsnOptions.Default with { Status = false });
        Assert.Empty(PollFor(root, TimeSpan.FromSeconds(10))); // nothing before R
        root.Receive(SetRootYes);

        var first = PollFor(root, TimeSpan.FromSeconds(1));
        Assert.Equal(3, first.Count);
        for (var i = 0; i < 3; i++) Assert.Equal(Frame(Daos[i]), first[i]);

        Assert.Empty(PollFor(root, TimeSpan.FromSeconds(4) - OpenWsnMoteStack.FirstDaoDelay - TimeSpan.FromMilliseconds(40)));
        var second = PollFor(root, TimeSpan.FromSeconds(1));
        Assert.Equal(3, second.Count);
        // The same DAOs with the next DAO and path sequence numbers (and so a new checksum).
        var lowpan = UpstreamReader.Lowpan(second[0]);
        var ipv6 = UpstreamReader.ToIpv6(lowpan, out _);
        Assert.Equal(0, Verify6(ipv6));
        Assert.Equal(6, ipv6[40 + 7]);
        Assert.Equal(Frame(Daos[0])[^40..^21], second[0][^40..^21]);
        Assert.Equal(6, root.DaosSent);
    }

    [Fact]
    public void A_dao_longer_than_85_bytes_is_fragmented_on_request()
    {
        var root = RootedRoot(OpenWsnOptions.Default with { Status = false, FragmentDaos = true });
        var frames = PollFor(root, TimeSpan.FromSeconds(1));
        Assert.Equal(5, frames.Count); // A and B: 89 bytes in two fragments each; C: 69 bytes whole
        Assert.Equal(UpstreamReader.Lowpan(Frame(Daos[0])), UpstreamReader.Reassemble(frames.Take(2).Select(f => UpstreamReader.Lowpan(f))));
        Assert.Equal(Frame(Daos[2]), frames[4]);
    }

    [Fact]
    public void Reboot_logs_booted_and_unroots_until_the_next_R_and_the_motes_keep_their_parents()
    {
        var root = Root(OpenWsnOptions.Default with { RebootAfter = TimeSpan.FromSeconds(3) });
        root.Receive(SetRootYes);
        var before = PollFor(root, TimeSpan.FromSeconds(2.9));
        Assert.Equal(3, before.Count(f => f[0] == 'D'));

        var reboot = PollFor(root, TimeSpan.FromMilliseconds(200));
        Assert.Contains(Convert.FromHexString("550001014f00000000"), reboot);
        Assert.False(root.IsDagRoot);
        var after = PollFor(root, TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(after, f => f[0] == 'D');
        Assert.DoesNotContain(after, f => f[0] == 'U');
        Assert.Equal(Status[0].Hex("raw_frame_hex"), after.First(f => f[0] == 'S' && f[3] == 1));

        // Data for the mesh is refused while not root.
        var ping = Frame(PcToMote[0].GetProperty("frames")[0]);
        Assert.Equal(Convert.FromHexString("450001111f00000000"), Assert.Single(root.Receive(ping)));

        root.Receive(SetRootYes);
        var again = PollFor(root, TimeSpan.FromSeconds(1)).Where(f => f[0] == 'D').ToList();
        Assert.Equal(3, again.Count);
        // Same transit parents; only the sequences (and checksum) moved on.
        for (var i = 0; i < 3; i++) Assert.Equal(Frame(Daos[i])[^16..], again[i][^16..]);
        Assert.Single(root.Receive(ping));
    }

    [Fact]
    public void Q_reboots()
    {
        var root = RootedRoot();
        Assert.Empty(root.Receive("Q"u8));
        Assert.False(root.IsDagRoot);
        Assert.Contains(Convert.FromHexString("550001014f00000000"), root.Poll());
    }

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

    private static byte[] HdlcFrame(byte[] payload)
    {
        var encoder = new HdlcEncoder();
        var wire = new byte[encoder.MaxEncodedLength(payload.Length)];
        return wire[..encoder.Encode(payload, wire)];
    }
}
