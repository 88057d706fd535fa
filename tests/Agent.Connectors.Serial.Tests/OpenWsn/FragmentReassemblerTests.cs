using System.Text.Json;
using Agent.Connectors.Serial.OpenWsn;
using Microsoft.Extensions.Time.Testing;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.Tests.OpenWsn;

public class FragmentReassemblerTests
{
    private readonly FakeTimeProvider _time = new();

    private static List<byte[]> Lowpans(JsonElement datagram) =>
        datagram.GetProperty("frames").EnumerateArray().Select(f => Convert.FromHexString(f.GetProperty("lowpan_hex").GetString()!)).ToList();

    [Theory]
    [MemberData(nameof(MeshVectors.FragmentedCases), MemberType = typeof(MeshVectors))]
    public void Vector_fragments_in_arrival_order_give_the_reassembled_datagram(int index)
    {
        var datagram = MeshVectors.Fragmented[index];
        var reassembler = new FragmentReassembler(_time);
        var fragments = Lowpans(datagram);

        foreach (var fragment in fragments[..^1])
            Assert.Equal(new ReassemblyResult.Waiting(false), reassembler.Accept(fragment, MeshVectors.A));
        var complete = Assert.IsType<ReassemblyResult.Complete>(reassembler.Accept(fragments[^1], MeshVectors.A));

        Assert.True(complete.WasFragmented);
        Assert.Equal(datagram.GetProperty("reassembled_lowpan_hex").GetString(), MeshVectors.Hex(complete.Datagram));
        Assert.Equal(0, reassembler.Pending);
    }

    [Theory]
    [MemberData(nameof(MeshVectors.FragmentedCases), MemberType = typeof(MeshVectors))]
    public void Vector_fragments_in_reverse_order_give_the_same_datagram(int index)
    {
        var datagram = MeshVectors.Fragmented[index];
        var fragments = Lowpans(datagram);
        fragments.Reverse();
        var complete = Assert.IsType<ReassemblyResult.Complete>(AcceptAll(new FragmentReassembler(_time), fragments, MeshVectors.A).Last());
        Assert.Equal(datagram.GetProperty("reassembled_lowpan_hex").GetString(), MeshVectors.Hex(complete.Datagram));
    }

    [Fact]
    public void The_79_byte_frag1_case_completes_although_the_payloads_add_up_to_one_less_than_the_size()
    {
        var datagram = MeshVectors.Fragmented.EnumerateArray().Single(d => d.TryGetProperty("OPENVISUALIZER_LIMITATION", out _));
        Assert.Equal(88, datagram.GetProperty("datagram_size").GetInt32());
        Assert.Equal(87, datagram.GetProperty("sum_of_fragment_payloads_at_root").GetInt32());
        var complete = Assert.IsType<ReassemblyResult.Complete>(AcceptAll(new FragmentReassembler(_time), Lowpans(datagram), MeshVectors.A).Last());
        Assert.Equal(87, complete.Datagram.Length);
    }

    [Fact]
    public void A_81_byte_frag1_also_completes()
    {
        // Size 86 as the originator built it (80 + 6); a relay's longer RPI made FRAG1 carry 81 bytes.
        var first = Frag1(86, 0x0101, Enumerable.Range(0, 81).Select(i => (byte)i).ToArray());
        var second = FragN(86, 0x0101, 10, [0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5]);
        var reassembler = new FragmentReassembler(_time);
        Assert.IsType<ReassemblyResult.Waiting>(reassembler.Accept(first, MeshVectors.A));
        var complete = Assert.IsType<ReassemblyResult.Complete>(reassembler.Accept(second, MeshVectors.A));
        Assert.Equal(87, complete.Datagram.Length);
        Assert.Equal(0xA5, complete.Datagram.Span[^1]);
    }

    [Fact]
    public void Unfragmented_datagrams_pass_through()
    {
        var vector = MeshVectors.Data[0];
        var lowpan = Convert.FromHexString(vector.GetProperty("lowpan_hex").GetString()!);
        var complete = Assert.IsType<ReassemblyResult.Complete>(new FragmentReassembler(_time).Accept(lowpan, MeshVectors.A));
        Assert.False(complete.WasFragmented);
        Assert.Equal(lowpan, complete.Datagram.ToArray());
        Assert.False(Assert.IsType<ReassemblyResult.Complete>(new FragmentReassembler(_time).Accept([], MeshVectors.A)).WasFragmented);
    }

    [Fact]
    public void Out_of_order_pieces_of_a_three_fragment_datagram_complete_on_the_last_arrival()
    {
        var (fragments, whole) = ThreeFragments(0x0222);
        var reassembler = new FragmentReassembler(_time);
        Assert.IsType<ReassemblyResult.Waiting>(reassembler.Accept(fragments[2], MeshVectors.A));
        Assert.IsType<ReassemblyResult.Waiting>(reassembler.Accept(fragments[0], MeshVectors.A));
        var complete = Assert.IsType<ReassemblyResult.Complete>(reassembler.Accept(fragments[1], MeshVectors.A));
        Assert.Equal(whole, complete.Datagram.ToArray());
    }

    [Fact]
    public void A_gap_waits_for_the_missing_piece()
    {
        var (fragments, _) = ThreeFragments(0x0223);
        var reassembler = new FragmentReassembler(_time);
        Assert.IsType<ReassemblyResult.Waiting>(reassembler.Accept(fragments[0], MeshVectors.A));
        Assert.IsType<ReassemblyResult.Waiting>(reassembler.Accept(fragments[2], MeshVectors.A));
        Assert.Equal(1, reassembler.Pending);
    }

    [Fact]
    public void Repeated_fragments_are_ignored_and_counted()
    {
        var (fragments, whole) = ThreeFragments(0x0224);
        var reassembler = new FragmentReassembler(_time);
        Assert.Equal(new ReassemblyResult.Waiting(false), reassembler.Accept(fragments[0], MeshVectors.A));
        Assert.Equal(new ReassemblyResult.Waiting(true), reassembler.Accept(fragments[0], MeshVectors.A));
        Assert.Equal(new ReassemblyResult.Waiting(false), reassembler.Accept(fragments[1], MeshVectors.A));
        // Same offset, other bytes: the first copy stays (FW store_fragment).
        var altered = (byte[])fragments[1].Clone();
        altered[^1] ^= 0xFF;
        Assert.Equal(new ReassemblyResult.Waiting(true), reassembler.Accept(altered, MeshVectors.A));
        var complete = Assert.IsType<ReassemblyResult.Complete>(reassembler.Accept(fragments[2], MeshVectors.A));
        Assert.Equal(whole, complete.Datagram.ToArray());
        Assert.Equal(2, reassembler.Duplicates);
    }

    [Fact]
    public void Interleaved_datagrams_are_kept_apart_by_tag_size_and_previous_hop()
    {
        var c = Lowpans(MeshVectors.Fragmented[0]);   // tag 0x043c, size 87, via A
        var a = Lowpans(MeshVectors.Fragmented[1]);   // tag 0x0216, size 87, via A
        var c2 = Lowpans(MeshVectors.Fragmented[2]);  // tag 0x043d, size 88, via A
        var reassembler = new FragmentReassembler(_time);

        // The same tag and size through another child is another datagram.
        var sameTagOtherChild = Frag1(87, 0x043c, new byte[80]);
        Assert.IsType<ReassemblyResult.Waiting>(reassembler.Accept(sameTagOtherChild, MeshVectors.B));
        Assert.IsType<ReassemblyResult.Waiting>(reassembler.Accept(c[0], MeshVectors.A));
        Assert.IsType<ReassemblyResult.Waiting>(reassembler.Accept(a[0], MeshVectors.A));
        Assert.IsType<ReassemblyResult.Waiting>(reassembler.Accept(c2[1], MeshVectors.A));
        var first = Assert.IsType<ReassemblyResult.Complete>(reassembler.Accept(a[1], MeshVectors.A));
        var second = Assert.IsType<ReassemblyResult.Complete>(reassembler.Accept(c[1], MeshVectors.A));
        var third = Assert.IsType<ReassemblyResult.Complete>(reassembler.Accept(c2[0], MeshVectors.A));

        Assert.Equal(MeshVectors.Fragmented[1].GetProperty("reassembled_lowpan_hex").GetString(), MeshVectors.Hex(first.Datagram));
        Assert.Equal(MeshVectors.Fragmented[0].GetProperty("reassembled_lowpan_hex").GetString(), MeshVectors.Hex(second.Datagram));
        Assert.Equal(MeshVectors.Fragmented[2].GetProperty("reassembled_lowpan_hex").GetString(), MeshVectors.Hex(third.Datagram));
        Assert.Equal(1, reassembler.Pending); // the one via B
    }

    [Fact]
    public void An_incomplete_datagram_expires_60_s_after_its_first_fragment()
    {
        var fragments = Lowpans(MeshVectors.Fragmented[0]);
        var reassembler = new FragmentReassembler(_time);
        Assert.IsType<ReassemblyResult.Waiting>(reassembler.Accept(fragments[0], MeshVectors.A));

        _time.Advance(TimeSpan.FromSeconds(59.9));
        Assert.Equal(0, reassembler.ExpireStale());
        Assert.Equal(1, reassembler.Pending);

        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(1, reassembler.ExpireStale());
        Assert.Equal(0, reassembler.Pending);
        Assert.Equal(1, reassembler.Expired);

        // The late FRAGN starts a datagram of its own, which waits (and would expire in turn).
        Assert.IsType<ReassemblyResult.Waiting>(reassembler.Accept(fragments[1], MeshVectors.A));
        Assert.Equal(1, reassembler.Pending);
    }

    [Fact]
    public void Accept_expires_stale_datagrams_by_itself_and_the_clock_starts_at_the_first_fragment()
    {
        var fragments = Lowpans(MeshVectors.Fragmented[0]);
        var reassembler = new FragmentReassembler(_time);
        Assert.IsType<ReassemblyResult.Waiting>(reassembler.Accept(fragments[0], MeshVectors.A));
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.IsType<ReassemblyResult.Complete>(reassembler.Accept(fragments[1], MeshVectors.A));

        Assert.IsType<ReassemblyResult.Waiting>(reassembler.Accept(fragments[0], MeshVectors.A));
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.IsType<ReassemblyResult.Waiting>(reassembler.Accept(fragments[1], MeshVectors.A));
        Assert.Equal(1, reassembler.Expired);
    }

    [Fact]
    public void Beyond_the_pending_limit_the_oldest_datagram_is_evicted()
    {
        var reassembler = new FragmentReassembler(_time, maxPending: 2);
        for (ushort tag = 1; tag <= 3; tag++)
        {
            Assert.IsType<ReassemblyResult.Waiting>(reassembler.Accept(Frag1(87, tag, new byte[80]), MeshVectors.A));
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(2, reassembler.Pending);
        Assert.Equal(1, reassembler.Evicted);
        // Tag 1 is gone: its FRAGN now waits alone; tag 3 still completes.
        Assert.IsType<ReassemblyResult.Waiting>(reassembler.Accept(FragN(87, 1, 10, new byte[7]), MeshVectors.A));
        Assert.IsType<ReassemblyResult.Complete>(reassembler.Accept(FragN(87, 3, 10, new byte[7]), MeshVectors.A));
    }

    [Theory]
    [InlineData("c057", DropReason.OpenWsnBadFragment)]          // FRAG1 header cut short
    [InlineData("e057043c", DropReason.OpenWsnBadFragment)]      // FRAGN header cut short
    [InlineData("c057043c", DropReason.OpenWsnBadFragment)]      // FRAG1 without payload
    [InlineData("e057043c0a", DropReason.OpenWsnBadFragment)]    // FRAGN without payload
    [InlineData("e057043c0b3132333435363738393a3b3c3d3e3f40", DropReason.OpenWsnBadFragment)] // 88..104 beyond 87
    [InlineData("e057043c003132", DropReason.OpenWsnBadFragment)] // FRAGN at offset 0
    [InlineData("c529043cf1", DropReason.OpenWsnDatagramTooLarge)] // size 1321
    public void Unusable_fragments_are_dropped_with_a_reason(string hex, DropReason reason)
    {
        var result = Assert.IsType<ReassemblyResult.Dropped>(new FragmentReassembler(_time).Accept(Convert.FromHexString(hex), MeshVectors.A));
        Assert.Equal(reason, result.Drop.Reason);
    }

    [Fact]
    public void A_datagram_of_1320_bytes_is_accepted()
    {
        var whole = Enumerable.Range(0, 1320).Select(i => (byte)i).ToArray();
        var reassembler = new FragmentReassembler(_time);
        var results = new List<ReassemblyResult> { reassembler.Accept(Frag1(1320, 9, whole[..80]), MeshVectors.A) };
        for (var offset = 80; offset < whole.Length; offset += 80)
            results.Add(reassembler.Accept(FragN(1320, 9, offset / 8, whole[offset..Math.Min(offset + 80, whole.Length)]), MeshVectors.A));
        Assert.Equal(whole, Assert.IsType<ReassemblyResult.Complete>(results[^1]).Datagram.ToArray());
    }

    [Fact]
    public void Random_fragments_never_throw()
    {
        var random = new Random(11);
        var reassembler = new FragmentReassembler(_time, maxPending: 4);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 24)];
            random.NextBytes(bytes);
            if (bytes.Length > 0) bytes[0] = (byte)((random.Next(2) == 0 ? 0xC0 : 0xE0) | (bytes[0] & 0x07));
            Assert.NotNull(reassembler.Accept(bytes, MeshVectors.A));
        }
    }

    private static IEnumerable<ReassemblyResult> AcceptAll(FragmentReassembler reassembler, IEnumerable<byte[]> fragments, Eui64 previousHop) =>
        fragments.Select(f => reassembler.Accept(f, previousHop)).ToList();

    private static (List<byte[]> Fragments, byte[] Whole) ThreeFragments(ushort tag)
    {
        var whole = Enumerable.Range(0, 170).Select(i => (byte)i).ToArray();
        return ([Frag1(170, tag, whole[..80]), FragN(170, tag, 10, whole[80..160]), FragN(170, tag, 20, whole[160..])], whole);
    }

    internal static byte[] Frag1(int size, ushort tag, byte[] payload) =>
        [(byte)(0xC0 | size >> 8), (byte)size, (byte)(tag >> 8), (byte)tag, .. payload];

    internal static byte[] FragN(int size, ushort tag, int offsetUnits, byte[] payload) =>
        [(byte)(0xE0 | size >> 8), (byte)size, (byte)(tag >> 8), (byte)tag, (byte)offsetUnits, .. payload];
}
