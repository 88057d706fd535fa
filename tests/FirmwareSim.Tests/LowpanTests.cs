using Agent.Testing;
using System.Text.Json;
using FirmwareSim.Lowpan;

namespace FirmwareSim.Tests;

/// <summary>The motes' 6LoWPAN pieces, one by one, against shared/vectors/openwsn.</summary>
public class LowpanTests
{
    private static readonly byte[] Prefix = Convert.FromHexString("bbbb000000000000");
    private static readonly byte[] DodagId = Convert.FromHexString("bbbb000000000000141592cc00000001");
    private static readonly JsonElement[] PcToMote = OpenWsnVectors.Array("pc_to_mote_data");
    private static readonly JsonElement[] DefaultPing = OpenWsnVectors.Array("pc_to_mote_default_ping");
    private static readonly JsonElement[] Fragmented = OpenWsnVectors.Array("mote_to_pc_fragmented");

    private static IEnumerable<byte[]> Lowpans(JsonElement vector) =>
        vector.GetProperty("frames").EnumerateArray().Select(f => f.Hex("lowpan_hex"));

    [Fact]
    public void The_originators_datagrams_are_compressed_as_the_firmware_does()
    {
        // C's reply with rank 0x0500 (1-byte rank) and 0x05C0 (2-byte rank); A's with 0x0300.
        ushort[] ranks = [0x0500, 0x0300, 0x05C0];
        for (var i = 0; i < Fragmented.Length; i++)
        {
            var ipv6 = Fragmented[i].TryGetProperty("correct_ipv6_hex", out _)
                ? Fragmented[i].Hex("correct_ipv6_hex")
                : Fragmented[i].Hex("decompressed_ipv6_hex (what openvisualizer writes to TUN)");
            Assert.Equal(Fragmented[i].Hex("originator_lowpan_hex"), UpstreamCompressor.Compress(ipv6, Prefix, ranks[i]));
        }
    }

    [Fact]
    public void A_daos_datagram_is_compressed_as_the_vector()
    {
        var dao = OpenWsnVectors.Array("mote_to_pc_dao", "mote_to_pc_dao_and_topology")[0];
        Assert.Equal(dao.Hex("lowpan_hex"), UpstreamCompressor.Compress(dao.Hex("ipv6_equivalent_hex"), Prefix, 0x0300));
    }

    [Fact]
    public void Fragments_are_80_byte_pieces_with_the_originators_size_and_tag()
    {
        var datagram = Fragmented[0].Hex("originator_lowpan_hex");
        Assert.True(Fragmenter.NeedsFragmenting(datagram.Length));
        var fragments = Fragmenter.Fragment(datagram, 0x043c);
        Assert.Equal(2, fragments.Count);
        // C's FRAG1 before the relays (its own RPI, rank 5) and the FRAGN exactly as the root gets it.
        Assert.Equal([.. Convert.FromHexString("c057043c"), .. datagram[..80]], fragments[0]);
        Assert.Equal(Lowpans(Fragmented[0]).Last(), fragments[1]);
        Assert.False(Fragmenter.NeedsFragmenting(85));
        Assert.True(Fragmenter.NeedsFragmenting(86));
    }

    [Fact]
    public void Rpi_encodes_the_rank_in_one_byte_when_its_low_byte_is_zero()
    {
        Assert.Equal(Convert.FromHexString("830503"), RplPacketInformation.Upward(0x0300).Encode());
        Assert.Equal(Convert.FromHexString("82050313"), RplPacketInformation.Upward(0x0313).Encode());
        Assert.True(RplPacketInformation.TryParse(Convert.FromHexString("930500"), out var down, out var length));
        Assert.Equal(3, length);
        Assert.Equal(new RplPacketInformation(true, false, false, 0, 0), down);
        Assert.True(RplPacketInformation.TryParse(Convert.FromHexString("8005071234"), out var withInstance, out length));
        Assert.Equal(5, length);
        Assert.Equal(new RplPacketInformation(false, false, false, 7, 0x1234), withInstance);
        Assert.Equal(Convert.FromHexString("8005071234"), withInstance.Encode());
    }

    [Fact]
    public void The_hosts_datagrams_decode_to_the_packets_openvisualizer_read_from_its_tun()
    {
        string[][] routes =
        [
            [],
            ["bbbb000000000000141592cc00000002"],
            ["bbbb000000000000141592cc00000002", "bbbb000000000000141592cc00000003"],
            ["bbbb000000000000141592cc00000002"],
            ["bbbb000000000000141592cc00000002"],
        ];
        for (var i = 0; i < routes.Length; i++)
        {
            var lowpan = Lowpans(PcToMote[i]).Single();
            Assert.True(DownstreamDecoder.TryDecode(lowpan, Prefix, DodagId, out var decoded, out var error), error);
            Assert.Equal(PcToMote[i].Hex("ipv6_from_tun_hex"), decoded!.Packet);
            Assert.Equal(routes[i], decoded.Hops.Select(Convert.ToHexStringLower));
        }
        Assert.True(DownstreamDecoder.TryDecode(Lowpans(PcToMote[4]).Single(), Prefix, DodagId, out var offPrefix, out _));
        Assert.Equal(Convert.FromHexString("bbbb0000000000000000000000000001"), offPrefix!.Encapsulator);
        Assert.True(offPrefix.Rpi!.Value.Down);
    }

    [Fact]
    public void The_hosts_fragments_reassemble_to_the_unfragmented_datagram()
    {
        var reassembler = new Reassembler(TimeProvider.System);
        var fragments = Lowpans(DefaultPing[1]).ToList();
        Assert.False(reassembler.Add(fragments[1]).Complete); // any order
        var result = reassembler.Add(fragments[0]);
        Assert.Equal(DefaultPing[1].Hex("unfragmented_lowpan_hex"), result.Datagram);
        Assert.Equal(0, reassembler.Pending);

        Assert.True(DownstreamDecoder.TryDecode(result.Datagram, Prefix, DodagId, out var decoded, out _));
        Assert.Equal(DefaultPing[1].Hex("ipv6_from_tun_hex"), decoded!.Packet);

        var udp = Lowpans(PcToMote[5]).ToList();
        Assert.False(reassembler.Add(udp[0]).Complete);
        Assert.True(reassembler.Add(udp[0]).Dropped is false); // a repeated FRAG1 is ignored
        var whole = reassembler.Add(udp[1]).Datagram!;
        Assert.True(DownstreamDecoder.TryDecode(whole, Prefix, DodagId, out decoded, out _));
        Assert.Equal(PcToMote[5].Hex("ipv6_from_tun_hex"), decoded!.Packet);
    }

    [Fact]
    public void Fragments_that_motes_cannot_place_are_dropped()
    {
        var reassembler = new Reassembler(TimeProvider.System);
        Assert.True(reassembler.Add(Convert.FromHexString("c0610009").Concat(new byte[79]).ToArray()).Dropped);
        Assert.True(reassembler.Add(Convert.FromHexString("c5300009").Concat(new byte[80]).ToArray()).Dropped); // 1328 > 1320
        Assert.True(reassembler.Add(Convert.FromHexString("e06100090c").Concat(new byte[17]).ToArray()).Dropped); // 96 + 17 > 97
        Assert.Equal(0, reassembler.Pending);
    }

    [Theory]
    [InlineData("f17a5d3a0000000000000001141592cc00000002", "M=1")]
    [InlineData("f17a653a00010000000000000002", "10 (16 bits)")]
    [InlineData("f17a573a0000000000000001", "11 (from the link)")]
    [InlineData("f17ad53a0000000000000001141592cc00000002", "CID=1")]
    [InlineData("f17e553a0000000000000001141592cc00000002", "NHC")]
    [InlineData("f18403141592cc000000027a553a", "cut short")]
    [InlineData("f1a0087a553a", "of type 8")]
    [InlineData("f1800014800015800016800017", "more than 3 RH3")]
    public void Forms_openvisualizer_never_sends_are_refused(string hex, string because)
    {
        Assert.False(DownstreamDecoder.TryDecode(Convert.FromHexString(hex), Prefix, DodagId, out _, out var error));
        Assert.Contains(because, error);
    }
}
