using System.Net;
using Microsoft.Extensions.Time.Testing;
using Serilog;
using Agent.Connectors.Serial.OpenWsn;
using Agent.Connectors.Serial.Payloads;
using Agent.Testing;
using Agent.Connectors.Serial.Tests.OpenWsn;
using Agent.Core.Addressing;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.Tests.Payloads;

/// <summary>The OpenWSN payload kind end to end over recorded frames: detect, root, topology from DAOs, both directions.</summary>
public sealed class OpenWsnMotePayloadTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingLink _link = new();
    private readonly MoteAddresses _addresses = new();
    private readonly OpenWsnMotePayload _payload;

    public OpenWsnMotePayloadTests()
    {
        _payload = new OpenWsnMotePayload(Ipv6Prefix.Parse("bbbb"), _addresses, new LoggerConfiguration().CreateLogger(), _time, new Random(7));
        _payload.OnOpened(_link);
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex);

    private static string StatusFrame(int index) =>
        Vectors.Load("openwsn/status_frames.json").GetProperty("status_frames")[index].GetProperty("raw_frame_hex").GetString()!;

    private void FeedDaos()
    {
        foreach (var dao in MeshVectors.Daos.EnumerateArray())
            _payload.FromMote(Hex(dao.GetProperty("raw_frame_hex").GetString()!), [], _link);
    }

    [Fact]
    public void A_mote_that_is_not_root_is_made_root_with_Y_and_announced_once_it_is()
    {
        _payload.FromMote(Hex(StatusFrame(0)), [], _link);
        var request = Assert.Single(_link.Replies);
        Assert.Equal(27, request.Length);
        Assert.Equal((byte)'R', request[0]);
        Assert.Equal((byte)'Y', request[1]);
        Assert.Equal(Ipv6Prefix.Parse("bbbb").ToBytes(), request[2..10]);
        Assert.Contains(_link.Printed, p => p.Contains("found OpenWSN mote 14-15-92-cc-00-00-00-01, DAG root: no"));
        Assert.Null(_addresses.Global);
        Assert.Equal(0, _link.Changes);

        _payload.FromMote(Hex(StatusFrame(1)), [], _link);
        Assert.Equal(IPAddress.Parse("bbbb::1415:92cc:0:1"), _addresses.Global);
        Assert.Equal(1, _link.Changes); // the agent announces it

        // A reboot: the status says it is not root any more; it is made root again (after the 2 s spacing).
        _time.Advance(TimeSpan.FromSeconds(3));
        _payload.FromMote(Hex(StatusFrame(0)), [], _link);
        Assert.Equal(2, _link.Replies.Count);
        Assert.Contains(_link.Printed, p => p.Contains("no longer DAG root"));
    }

    [Fact]
    public void Without_a_status_frame_the_serial_echo_probe_is_sent()
    {
        _payload.OnTick(_link);
        Assert.Empty(_link.Replies);
        _time.Advance(TimeSpan.FromSeconds(2));
        _payload.OnTick(_link);
        var probe = Assert.Single(_link.Replies);
        Assert.Equal((byte)'S', probe[0]);
        // The mote echoes it in the D echo form: moteId16, ASN(5), the bytes (OPENWSN.md B.1).
        byte[] reply = [(byte)'D', 0x00, 0x01, 0x45, 0x23, 0x01, 0x00, 0x00, .. probe[1..]];
        _payload.FromMote(reply, [], _link);
        Assert.Contains(_link.Printed, p => p.Contains("answered the serial echo probe"));
        Assert.Empty(_link.Up);
        // Found, but with no status to say whether it is root: it is told to be root; its DAOs then name it.
        _time.Advance(TimeSpan.FromSeconds(2));
        _payload.OnTick(_link);
        Assert.Equal((byte)'R', _link.Replies[^1][0]);
        Assert.Null(_addresses.Global);
        FeedDaos();
        Assert.Equal(IPAddress.Parse("bbbb::1415:92cc:0:1"), _addresses.Global);
        Assert.Equal(1, _link.Changes);
        Assert.Contains("3 routes", _payload.MeshSummary);
    }

    [Fact]
    public void The_mesh_report_names_every_mote_its_parent_hops_and_dao_age_with_the_root_marked()
    {
        _payload.FromMote(Hex(StatusFrame(1)), [], _link);
        FeedDaos();
        _time.Advance(TimeSpan.FromSeconds(4));

        var report = _payload.Report("agent_3");

        Assert.Equal(("agent_3", "14-15-92-cc-00-00-00-01", "bbbb::/64"), (report.Name, report.Root, report.Prefix));
        Assert.Equal(4, report.Motes.Count);
        Assert.Equal(3, report.Edges);
        var root = report.Motes.Single(m => m.Eui64 == report.Root);
        Assert.Equal((0, null, 0), (root.Hops, root.LastDaoSecondsAgo, root.Parents.Count));
        Assert.Equal("bbbb::1415:92cc:0:1", root.Address);
        Assert.Equal(new int?[] { 0, 1, 2, 3 }, report.Motes.Select(m => m.Hops).Order());
        Assert.All(report.Motes.Where(m => m != root), m => Assert.Equal(4, m.LastDaoSecondsAgo));
        Assert.Contains(new KeyValuePair<string, long>("daos", 3), report.Counters);
        Assert.Contains(new KeyValuePair<string, long>("routes", 3), report.Counters);
    }

    [Fact]
    public void Daos_build_the_topology_and_are_not_forwarded_then_pings_to_motes_go_down_their_source_route()
    {
        _payload.FromMote(Hex(StatusFrame(1)), [], _link);
        FeedDaos();
        Assert.Empty(_link.Up);
        Assert.Contains("3 routes", _payload.MeshSummary);

        // Replay openvisualizer's run: every pc_to_mote_data case in order (the large UDP takes tag 1), then the default
        // ping to C (tag 2): our frames must be the recorded ones, byte for byte.
        var cases = Vectors.Load("openwsn/pc_to_mote_data.json").GetProperty("pc_to_mote_data").EnumerateArray()
            .Append(Vectors.Load("openwsn/pc_to_mote_default_ping.json").GetProperty("pc_to_mote_default_ping")[1]);
        foreach (var vector in cases)
        {
            var packet = Hex(vector.GetProperty("ipv6_from_tun_hex").GetString()!);
            Assert.True(_payload.CheckDownlink(packet) is null, vector.GetProperty("description").GetString());
            var frames = _payload.ToMote(packet);
            Assert.Null(frames.Refusal?.Reason);
            var expected = vector.GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("raw_frame_hex").GetString()!).ToList();
            Assert.Equal(expected, frames.Frames.Select(Convert.ToHexStringLower).ToList());
        }
        Assert.Equal(TimeSpan.FromMilliseconds(10), _payload.FrameSpacing);
    }

    [Fact]
    public void Mesh_data_goes_up_as_ipv6()
    {
        _payload.FromMote(Hex(StatusFrame(1)), [], _link);
        var data = MeshVectors.Data[0];
        _payload.FromMote(Hex(data.GetProperty("raw_frame_hex").GetString()!), [], _link);
        var (ipv6, wire) = Assert.Single(_link.Up);
        Assert.Null(wire);
        Assert.Equal(MeshVectors.ExpectedIpv6Hex(data), Convert.ToHexStringLower(ipv6));
    }

    [Fact]
    public void Mote_to_mote_traffic_goes_back_down_through_the_one_write_path()
    {
        _payload.FromMote(Hex(StatusFrame(1)), [], _link);
        FeedDaos();
        var replies = _link.Replies.Count;
        // Mote A's echo request to mote C, bridged by the root as the firmware compresses it (F1, RPI, IPHC 7A 55).
        var frame = Hex("4400014523010000141592cc00000001141592cc00000002f18305037a553a141592cc00000002141592cc00000004"
            + "8000415b123400015c216b3e00000000101112131415161718191a1b1c1d1e1f2021222324252627");
        _payload.FromMote(frame, [], _link);
        Assert.Empty(_link.Up);
        Assert.Equal(replies, _link.Replies.Count); // nothing written from the reader: the packet goes back to the queue
        var packet = Assert.Single(_link.Looped);
        // The whole IPv6 packet, A to C, ICMPv6 echo request id 0x1234 seq 1, with its 40 payload bytes.
        Assert.Equal(80, packet.Length);
        Assert.Equal(IPAddress.Parse("bbbb::1415:92cc:0:2"), new IPAddress(packet.AsSpan(8, 16)));
        Assert.Equal(IPAddress.Parse("bbbb::1415:92cc:0:4"), new IPAddress(packet.AsSpan(24, 16)));
        Assert.Equal(58, packet[6]);
        Assert.Equal("8000415b12340001", Convert.ToHexStringLower(packet.AsSpan(40, 8)));
        // Taken from the queue, it is accepted and goes down C's source route: D, next hop A (the root's child).
        Assert.Null(_payload.CheckDownlink(packet));
        var down = _payload.ToMote(packet);
        Assert.Null(down.Refusal);
        var first = Assert.Single(down.Frames);
        Assert.Equal("44141592cc00000002", Convert.ToHexStringLower(first[..9]));
    }

    [Theory]
    [InlineData("bbbb::2", DropReason.OpenWsnNotForMesh)]
    [InlineData("bbbb::1415:92cc:0:9", DropReason.OpenWsnUnknownMote)]
    [InlineData("ff02::1", DropReason.OpenWsnNotForMesh)]
    public void Session_packets_that_are_not_for_a_known_mote_stay_out(string destination, DropReason reason)
    {
        _payload.FromMote(Hex(StatusFrame(1)), [], _link);
        FeedDaos();
        byte[] packet = [0x60, 0, 0, 0, 0, 0, 59, 64, .. IPAddress.Parse("bbbb::1").GetAddressBytes(), .. IPAddress.Parse(destination).GetAddressBytes()];
        var refused = _payload.CheckDownlink(packet);
        Assert.Equal(reason, refused?.Reason);
        Assert.Equal(reason == DropReason.OpenWsnNotForMesh, refused?.Quiet);
    }
}
