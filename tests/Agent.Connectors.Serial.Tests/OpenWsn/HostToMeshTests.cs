using System.Text.Json;
using Agent.Framing;
using Agent.Connectors.Serial.OpenWsn;
using Agent.Testing;
using Agent.Core.Addressing;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.Tests.OpenWsn;

public class HostToMeshTests
{
    /// <summary>One host-to-mesh vector case, with the tag OV's fragmenter had when it met it.</summary>
    internal sealed record VectorCase(string File, string Description, byte[] Ipv6, byte[] Datagram, JsonElement[] Frames, ushort Tag)
    {
        public override string ToString() => $"{File}: {Description}";
    }

    /// <summary>
    /// Every case of pc_to_mote_data.json then pc_to_mote_default_ping.json, in file order: OV produced them in one run,
    /// so its fragment tag went 1, 2 across them (OPENWSN.md D.4.4).
    /// </summary>
    internal static readonly VectorCase[] Cases = LoadCases();

    /// <summary>The source routes OV's RPL computed from the DAOs of mote_to_pc_dao_and_topology.json (D.3).</summary>
    internal static readonly IReadOnlyDictionary<Eui64, IReadOnlyList<Eui64>> SourceRoutes = LoadRoutes();

    internal static IReadOnlyList<Eui64>? Route(Eui64 destination) => SourceRoutes.GetValueOrDefault(destination);

    public static TheoryData<int> CaseIndexes() => [.. Enumerable.Range(0, Cases.Length)];

    [Fact]
    public void Has_every_vector_case()
    {
        Assert.Equal(8, Cases.Length);
        Assert.Equal(3, SourceRoutes.Count);
        Assert.Equal(2, Cases.Count(c => c.Frames.Length > 1));
        Assert.Contains(Cases, c => c.Description.Contains("off-prefix", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void Encodes_vector_frames_byte_for_byte(int index)
    {
        var vector = Cases[index];
        var hostToMesh = new HostToMesh(Ipv6Prefix.Default, Route, new Fragmenter(vector.Tag));

        var result = hostToMesh.Encode(vector.Ipv6);

        Assert.True(result.Sent, result.Refusal?.Detail);
        AssertFrames(vector, result);
    }

    [Fact]
    public void Encodes_all_vector_cases_in_one_run_as_openvisualizer_did()
    {
        var hostToMesh = new HostToMesh(Ipv6Prefix.Default, Route);
        foreach (var vector in Cases)
            AssertFrames(vector, hostToMesh.Encode(vector.Ipv6));

        Assert.Equal(Cases.Length, hostToMesh.Counters.Datagrams);
        Assert.Equal(2, hostToMesh.Counters.Fragmented);
        Assert.Equal(Cases.Sum(c => c.Frames.Length), hostToMesh.Counters.Frames);
        Assert.Equal(0, hostToMesh.Counters.Dropped);
    }

    private static void AssertFrames(VectorCase vector, HostToMeshResult result)
    {
        Assert.True(result.Sent, result.Refusal?.Detail);
        Assert.Equal(vector.Datagram.Length, result.DatagramLength);
        Assert.Equal(vector.Frames.Length, result.Frames.Count);
        for (var i = 0; i < vector.Frames.Length; i++)
        {
            var expected = vector.Frames[i];
            Assert.Equal(expected.GetProperty("next_hop_eui64").GetString(), result.NextHop.Value.ToString("x16"));
            Assert.Equal(Convert.ToHexStringLower(expected.Hex("raw_frame_hex")), Convert.ToHexStringLower(result.Frames[i]));
            Assert.Equal(Convert.ToHexStringLower(expected.Hex("hdlc_frame_hex")),
                Convert.ToHexStringLower(FrameStreams.Encode(new HdlcEncoder(), result.Frames[i])));
        }
    }

    [Fact]
    public void Takes_its_routes_from_the_topology_learnt_from_daos()
    {
        var topology = new Topology(TimeProvider.System);
        foreach (var (mote, parents) in Vectors.Load(Path.Combine("openwsn", "mote_to_pc_dao_and_topology.json")).GetProperty("topology_after_daos").EnumerateObject()
            .Select(p => (Eui64.Parse(p.Name), p.Value.EnumerateArray().Select(e => Eui64.Parse(e.GetString()!)).ToArray())))
            topology.Update(mote, parents);
        var hostToMesh = new HostToMesh(Ipv6Prefix.Default, topology.Route);

        foreach (var vector in Cases)
            AssertFrames(vector, hostToMesh.Encode(vector.Ipv6));
    }

    [Fact]
    public void Sends_a_data_frame_to_the_root_child_with_the_datagram_after_it()
    {
        var frame = HostToMesh.DataFrame(Eui64.Parse("141592cc00000002"), [0xF1, 0x7A]);

        Assert.Equal("44141592cc00000002f17a", Convert.ToHexStringLower(frame));
    }

    [Fact]
    public void Drops_and_counts_a_packet_without_source_route()
    {
        var hostToMesh = new HostToMesh(Ipv6Prefix.Default, Route);
        var toUnknownMote = Ipv6("bbbb::1", "bbbb::1415:92cc:0:9", 58, 64, [0x80, 0, 0, 0]);

        var result = hostToMesh.Encode(toUnknownMote);

        Assert.False(result.Sent);
        Assert.Equal(DropReason.OpenWsnNoSourceRoute, result.Refusal?.Reason);
        Assert.Empty(result.Frames);
        Assert.Equal(1, hostToMesh.Counters.Drops[DropReason.OpenWsnNoSourceRoute]);
        Assert.Equal(0, hostToMesh.Counters.Datagrams);
    }

    [Fact]
    public void Drops_and_counts_a_datagram_over_1320_bytes_without_using_a_tag()
    {
        var fragmenter = new Fragmenter();
        var hostToMesh = new HostToMesh(Ipv6Prefix.Default, Route, fragmenter);
        // To mote A: F1 + IPHC 7A 55 + NH + 8 + 8 = 20 bytes before the L4 bytes.
        var fits = hostToMesh.Encode(Ipv6("bbbb::1", "bbbb::1415:92cc:0:2", 17, 64, new byte[1300]));
        var tooBig = hostToMesh.Encode(Ipv6("bbbb::1", "bbbb::1415:92cc:0:2", 17, 64, new byte[1301]));

        Assert.True(fits.Sent, fits.Refusal?.Detail);
        Assert.Equal(1320, fits.DatagramLength);
        Assert.Equal(17, fits.Frames.Count);
        Assert.Equal(DropReason.OpenWsnDatagramTooBig, tooBig.Refusal?.Reason);
        Assert.Equal(2, fragmenter.NextTag);
        Assert.Equal(1, hostToMesh.Counters.Drops[DropReason.OpenWsnDatagramTooBig]);
        Assert.All(fits.Frames, f => Assert.InRange(f.Length - 1, HostToMesh.MinDataBodyLength, HostToMesh.MaxDataBodyLength));
    }

    [Theory]
    [InlineData("ff02::1", 58, 0x80, DropReason.OpenWsnMulticast)]
    [InlineData("bbbb::1415:92cc:0:2", 58, 0x01, DropReason.OpenWsnDestinationUnreachable)]
    public void Drops_what_openvisualizer_drops(string destination, byte nextHeader, byte firstL4Byte, DropReason reason)
    {
        var hostToMesh = new HostToMesh(Ipv6Prefix.Default, Route);

        var result = hostToMesh.Encode(Ipv6("bbbb::1", destination, nextHeader, 64, [firstL4Byte, 0, 0, 0]));

        Assert.Equal(reason, result.Refusal?.Reason);
        Assert.Equal(1, hostToMesh.Counters.Drops[reason]);
    }

    [Fact]
    public void Never_throws_on_garbage()
    {
        var random = new Random(7);
        var hostToMesh = new HostToMesh(Ipv6Prefix.Default, Route);
        for (var i = 0; i < 2000; i++)
        {
            var packet = FrameStreams.RandomPayload(random, random.Next(0, 200));
            if (packet.Length >= 40 && random.Next(2) == 0)
            {
                // Make half of them look like IPv6 with a right length, so they get past the first check.
                packet[0] = (byte)(0x60 | packet[0] & 0x0F);
                packet[4] = (byte)((packet.Length - 40) >> 8);
                packet[5] = (byte)(packet.Length - 40);
            }
            var result = hostToMesh.Encode(packet);
            if (result.Sent) Assert.All(result.Frames, f => Assert.Equal(HostToMesh.DataFrameType, f[0]));
        }
        Assert.Equal(2000, hostToMesh.Counters.Datagrams + hostToMesh.Counters.Dropped);
    }

    /// <summary>An IPv6 packet with a correct payload length.</summary>
    internal static byte[] Ipv6(string source, string destination, byte nextHeader, byte hopLimit, byte[] l4, byte trafficClass = 0, int flowLabel = 0)
    {
        var packet = new byte[40 + l4.Length];
        packet[0] = (byte)(0x60 | trafficClass >> 4);
        packet[1] = (byte)(trafficClass << 4 | (flowLabel >> 16 & 0x0F));
        packet[2] = (byte)(flowLabel >> 8);
        packet[3] = (byte)flowLabel;
        packet[4] = (byte)(l4.Length >> 8);
        packet[5] = (byte)l4.Length;
        packet[6] = nextHeader;
        packet[7] = hopLimit;
        System.Net.IPAddress.Parse(source).GetAddressBytes().CopyTo(packet, 8);
        System.Net.IPAddress.Parse(destination).GetAddressBytes().CopyTo(packet, 24);
        l4.CopyTo(packet, 40);
        return packet;
    }

    private static VectorCase[] LoadCases()
    {
        var cases = new List<VectorCase>();
        ushort tag = 1;
        foreach (var (file, key) in new[] { ("pc_to_mote_data.json", "pc_to_mote_data"), ("pc_to_mote_default_ping.json", "pc_to_mote_default_ping") })
        {
            foreach (var element in Vectors.Load(Path.Combine("openwsn", file)).GetProperty(key).EnumerateArray())
            {
                var frames = element.GetProperty("frames").EnumerateArray().ToArray();
                var datagram = element.TryGetProperty("unfragmented_lowpan_hex", out _)
                    ? element.Hex("unfragmented_lowpan_hex")
                    : Reassemble(frames);
                cases.Add(new VectorCase(file, element.GetProperty("description").GetString()!, element.Hex("ipv6_from_tun_hex"), datagram, frames, tag));
                if (frames.Length > 1) tag++;
            }
        }
        return [.. cases];
    }

    /// <summary>The whole datagram of a case: its single frame's 6LoWPAN, or FRAG1 + FRAGN payloads in order.</summary>
    private static byte[] Reassemble(JsonElement[] frames) => frames.Length == 1
        ? frames[0].Hex("lowpan_hex")
        : [.. frames.SelectMany((f, i) => f.Hex("lowpan_hex").Skip(i == 0 ? 4 : 5))];

    private static Dictionary<Eui64, IReadOnlyList<Eui64>> LoadRoutes() =>
        Vectors.Load(Path.Combine("openwsn", "mote_to_pc_dao_and_topology.json")).GetProperty("source_routes").EnumerateObject()
            .ToDictionary(p => Eui64.Parse(p.Name), p => (IReadOnlyList<Eui64>)[.. p.Value.EnumerateArray().Select(e => Eui64.Parse(e.GetString()!))]);
}
