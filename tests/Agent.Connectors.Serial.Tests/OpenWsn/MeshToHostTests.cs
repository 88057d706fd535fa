using System.Net;
using Agent.Framing;
using Agent.Connectors.Serial.OpenWsn;
using Agent.Testing;
using Microsoft.Extensions.Time.Testing;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.Tests.OpenWsn;

public class MeshToHostTests
{
    private readonly FakeTimeProvider _time = new();

    private MeshToHost NewMeshToHost() => new(MeshVectors.Prefix, _time);

    private static MoteFrame.Data Frame(string rawHex) => MeshVectors.ParseData(rawHex);

    [Theory]
    [MemberData(nameof(MeshVectors.DataCases), MemberType = typeof(MeshVectors))]
    public void Data_vectors_come_out_as_the_ipv6_packet_to_forward(int index)
    {
        var vector = MeshVectors.Data[index];
        var meshToHost = NewMeshToHost();
        var packet = Assert.IsType<MeshToHostResult.Packet>(meshToHost.Accept(Frame(vector.GetProperty("raw_frame_hex").GetString()!)));

        var expected = Convert.FromHexString(MeshVectors.ExpectedIpv6Hex(vector));
        Assert.Equal(expected, packet.Ipv6.ToArray());
        Assert.Equal(new IPAddress(expected.AsSpan(8, 16)), packet.Source);
        Assert.Equal(new IPAddress(expected.AsSpan(24, 16)), packet.Destination);
        Assert.Equal(1, meshToHost.Packets);
        Assert.Equal(0, meshToHost.Fragments);
    }

    [Theory]
    [MemberData(nameof(MeshVectors.FragmentedCases), MemberType = typeof(MeshVectors))]
    public void Fragmented_vectors_wait_then_come_out_whole(int index)
    {
        var vector = MeshVectors.Fragmented[index];
        var meshToHost = NewMeshToHost();
        var frames = vector.GetProperty("frames").EnumerateArray().Select(f => Frame(f.GetProperty("raw_frame_hex").GetString()!)).ToList();

        foreach (var frame in frames[..^1]) Assert.Equal(new MeshToHostResult.Waiting(false), meshToHost.Accept(frame));
        var packet = Assert.IsType<MeshToHostResult.Packet>(meshToHost.Accept(frames[^1]));

        Assert.Equal(MeshVectors.ExpectedIpv6Hex(vector), MeshVectors.Hex(packet.Ipv6));
        Assert.Equal(frames.Count, meshToHost.Fragments);
        Assert.Equal(1, meshToHost.Reassembled);
        Assert.Equal(1, meshToHost.Packets);
        Assert.Equal(0, meshToHost.PendingDatagrams);
    }

    [Fact]
    public void Vector_daos_are_consumed_into_the_topology_and_not_forwarded()
    {
        var meshToHost = NewMeshToHost();
        var results = MeshVectors.Daos.EnumerateArray().Select(v => meshToHost.Accept(Frame(v.GetProperty("raw_frame_hex").GetString()!))).ToList();

        var daos = results.Select(r => Assert.IsType<MeshToHostResult.Dao>(r)).ToList();
        Assert.Equal([MeshVectors.A, MeshVectors.B, MeshVectors.C], daos.Select(d => d.Mote));
        Assert.Equal([[MeshVectors.Root], [MeshVectors.A], [MeshVectors.B]], daos.Select(d => d.Parents.ToArray()));
        Assert.Equal(3, meshToHost.Daos);
        Assert.Equal(0, meshToHost.Packets);
        foreach (var entry in MeshVectors.DaoFile.GetProperty("source_routes").EnumerateObject())
            Assert.Equal(entry.Value.EnumerateArray().Select(e => Eui64.Parse(e.GetString()!)), meshToHost.Topology.Route(Eui64.Parse(entry.Name)));
    }

    [Fact]
    public void The_topology_can_be_shared_with_the_host_to_mesh_half()
    {
        var topology = new Topology(_time);
        var meshToHost = new MeshToHost(MeshVectors.Prefix, _time, topology);
        meshToHost.Accept(Frame(MeshVectors.Daos[0].GetProperty("raw_frame_hex").GetString()!));
        Assert.Same(topology, meshToHost.Topology);
        Assert.Equal([MeshVectors.A, MeshVectors.Root], topology.Route(MeshVectors.A));
    }

    [Fact]
    public void A_dao_not_addressed_to_the_root_is_forwarded_like_any_packet()
    {
        // DAO vector 0 re-addressed to bbbb::1 (DAM=01 with IID ::1): not for RPL at the root.
        var dao = MeshVectors.Daos[0].GetProperty("icmpv6_dao_hex").GetString()!;
        var frame = Frame("4400014523010000141592cc00000001141592cc00000002" + "f18305037a553a141592cc00000002" + "0000000000000001" + dao);
        var meshToHost = NewMeshToHost();
        var packet = Assert.IsType<MeshToHostResult.Packet>(meshToHost.Accept(frame));
        Assert.Equal(IPAddress.Parse("bbbb::1"), packet.Destination);
        Assert.Equal(0, meshToHost.Daos);
        Assert.Equal(0, meshToHost.Topology.Count);
    }

    [Fact]
    public void A_malformed_dao_to_the_root_is_dropped_not_forwarded()
    {
        var frame = Frame("4400014523010000141592cc00000001141592cc00000002" + "f18305037a553a141592cc00000002141592cc00000001" + "9b02000000000005" + "0100");
        var meshToHost = NewMeshToHost();
        var dropped = Assert.IsType<MeshToHostResult.Dropped>(meshToHost.Accept(frame));
        Assert.Equal(DropReason.OpenWsnBadDao, dropped.Drop.Reason);
        Assert.Equal(1, meshToHost.Dropped(DropReason.OpenWsnBadDao));
        Assert.Equal(0, meshToHost.Packets);
    }

    [Fact]
    public void Other_icmpv6_rpl_messages_to_the_root_are_forwarded()
    {
        // A unicast DIS (155 code 0) to the root address is not a DAO.
        var frame = Frame("4400014523010000141592cc00000001141592cc00000002" + "f18305037a553a141592cc00000002141592cc00000001" + "9b0000000000");
        Assert.IsType<MeshToHostResult.Packet>(NewMeshToHost().Accept(frame));
    }

    [Fact]
    public void Undecodable_datagrams_and_fragments_are_dropped_and_counted_by_reason()
    {
        const string header = "4400014523010000141592cc00000001141592cc00000002";
        var meshToHost = NewMeshToHost();
        Assert.Equal(DropReason.OpenWsnUnsupportedLowpan,
            Assert.IsType<MeshToHostResult.Dropped>(meshToHost.Accept(Frame(header + "f18305037a653a141592cc000000020001"))).Drop.Reason);
        Assert.Equal(DropReason.OpenWsnBadLowpan, Assert.IsType<MeshToHostResult.Dropped>(meshToHost.Accept(Frame(header))).Drop.Reason);
        Assert.Equal(DropReason.OpenWsnBadLowpan, Assert.IsType<MeshToHostResult.Dropped>(meshToHost.Accept(Frame(header + "7a55"))).Drop.Reason);
        Assert.Equal(DropReason.OpenWsnBadFragment, Assert.IsType<MeshToHostResult.Dropped>(meshToHost.Accept(Frame(header + "c057"))).Drop.Reason);
        Assert.Equal(DropReason.OpenWsnDatagramTooLarge, Assert.IsType<MeshToHostResult.Dropped>(meshToHost.Accept(Frame(header + "c7ff0001f1"))).Drop.Reason);

        Assert.Equal(new Dictionary<DropReason, long>
        {
            [DropReason.OpenWsnUnsupportedLowpan] = 1,
            [DropReason.OpenWsnBadLowpan] = 2,
            [DropReason.OpenWsnBadFragment] = 1,
            [DropReason.OpenWsnDatagramTooLarge] = 1,
        }, DropReasons.All.Where(r => meshToHost.Dropped(r) > 0).ToDictionary(r => r, meshToHost.Dropped));
        Assert.Equal(2, meshToHost.Fragments);
    }

    [Fact]
    public void A_reassembled_datagram_that_does_not_decode_is_dropped()
    {
        var meshToHost = NewMeshToHost();
        const string header = "4400014523010000141592cc00000001141592cc00000002";
        var first = Convert.ToHexStringLower(FragmentReassemblerTests.Frag1(87, 5, [0x41, .. new byte[79]]));
        var second = Convert.ToHexStringLower(FragmentReassemblerTests.FragN(87, 5, 10, new byte[7]));
        Assert.IsType<MeshToHostResult.Waiting>(meshToHost.Accept(Frame(header + first)));
        Assert.Equal(DropReason.OpenWsnUnsupportedLowpan, Assert.IsType<MeshToHostResult.Dropped>(meshToHost.Accept(Frame(header + second))).Drop.Reason);
        Assert.Equal(1, meshToHost.Reassembled);
    }

    [Fact]
    public void Expired_datagrams_are_counted_among_the_drops()
    {
        var meshToHost = NewMeshToHost();
        var frames = MeshVectors.Fragmented[0].GetProperty("frames").EnumerateArray().Select(f => Frame(f.GetProperty("raw_frame_hex").GetString()!)).ToList();
        Assert.IsType<MeshToHostResult.Waiting>(meshToHost.Accept(frames[0]));
        Assert.Equal(new MeshToHostResult.Waiting(true), meshToHost.Accept(frames[0]));
        Assert.Equal(1, meshToHost.DuplicateFragments);

        _time.Advance(FragmentReassembler.Timeout);
        meshToHost.ExpireStale();
        Assert.Equal(1, meshToHost.Expired);
        Assert.Equal(1, meshToHost.Dropped(DropReason.OpenWsnReassemblyTimeout));
        Assert.Equal(DropReason.OpenWsnReassemblyTimeout, Assert.Single(meshToHost.TakeLosses()).Reason);
        Assert.Empty(meshToHost.TakeLosses());
        Assert.Equal(0, meshToHost.PendingDatagrams);
    }

    [Fact]
    public void The_whole_uart_stream_of_a_fragmented_reply_goes_from_wire_bytes_to_ipv6()
    {
        var vector = MeshVectors.Fragmented[2];
        var wire = Convert.FromHexString(vector.GetProperty("uart_stream_hex").GetString()!);
        var filtered = new byte[wire.Length];
        var n = new XonXoffFilter().Filter(wire, filtered);
        var sink = new RecordingSink();
        new HdlcDecoder().Decode(filtered.AsSpan(0, n), sink);

        var meshToHost = NewMeshToHost();
        var results = sink.Frames.Select(f => meshToHost.Accept(Assert.IsType<MoteFrame.Data>(MoteFrameParser.Parse(f.Payload)))).ToList();
        Assert.Equal(vector.GetProperty("correct_ipv6_hex").GetString(), MeshVectors.Hex(Assert.IsType<MeshToHostResult.Packet>(results[^1]).Ipv6));
    }
}
