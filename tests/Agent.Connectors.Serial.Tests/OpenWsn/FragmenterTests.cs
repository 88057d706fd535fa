using System.Collections.Concurrent;
using Agent.Connectors.Serial.OpenWsn;
using static Agent.Connectors.Serial.Tests.OpenWsn.HostToMeshTests;

namespace Agent.Connectors.Serial.Tests.OpenWsn;

public class FragmenterTests
{
    [Theory]
    [MemberData(nameof(CaseIndexes), MemberType = typeof(HostToMeshTests))]
    public void Cuts_vector_datagrams_into_the_vector_pieces(int index)
    {
        var vector = Cases[index];

        Assert.True(new Fragmenter(vector.Tag).TryFragment(vector.Datagram, out var pieces, out var error), error);

        Assert.Equal(vector.Frames.Select(f => f.GetProperty("lowpan_hex").GetString()), pieces.Select(Convert.ToHexStringLower));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(84)]
    [InlineData(85)]
    public void Sends_datagrams_up_to_85_bytes_whole_without_using_a_tag(int length)
    {
        var fragmenter = new Fragmenter();
        var datagram = Datagram(length);

        Assert.True(fragmenter.TryFragment(datagram, out var pieces, out _));

        Assert.Equal(datagram, Assert.Single(pieces));
        Assert.Equal(1, fragmenter.NextTag);
    }

    [Fact]
    public void Cuts_an_86_byte_datagram_into_80_and_6()
    {
        var datagram = Datagram(86);

        Assert.True(new Fragmenter(0x1234).TryFragment(datagram, out var pieces, out _));

        Assert.Equal(2, pieces.Count);
        Assert.Equal([0xC0, 86, 0x12, 0x34, .. datagram[..80]], pieces[0]);
        Assert.Equal([0xE0, 86, 0x12, 0x34, 10, .. datagram[80..]], pieces[1]);
    }

    [Theory]
    [InlineData(86)]
    [InlineData(160)]
    [InlineData(161)]
    [InlineData(300)]
    [InlineData(1320)]
    public void Pieces_carry_the_compressed_size_and_offsets_in_8_byte_units_and_rebuild_the_datagram(int length)
    {
        var datagram = Datagram(length);

        Assert.True(new Fragmenter(7).TryFragment(datagram, out var pieces, out _));

        Assert.Equal((length + 79) / 80, pieces.Count);
        for (var i = 0; i < pieces.Count; i++)
        {
            var piece = pieces[i];
            Assert.Equal(i == 0 ? 0xC0 : 0xE0, piece[0] & 0xF8);
            Assert.Equal(length, (piece[0] & 0x07) << 8 | piece[1]);
            Assert.Equal(7, piece[2] << 8 | piece[3]);
            if (i > 0) Assert.Equal(i * 10, piece[4]);
            Assert.Equal(i < pieces.Count - 1 ? 80 : length - 80 * i, piece.Length - (i == 0 ? 4 : 5));
        }
        Assert.Equal(datagram, pieces.SelectMany((p, i) => p.Skip(i == 0 ? 4 : 5)));
    }

    [Fact]
    public void Starts_at_tag_1_and_adds_1_per_fragmented_datagram()
    {
        var fragmenter = new Fragmenter();
        var tags = new List<int>();
        foreach (var length in new[] { 100, 20, 200, 85, 86 })
        {
            Assert.True(fragmenter.TryFragment(Datagram(length), out var pieces, out _));
            if (pieces.Count > 1) tags.Add(pieces[0][2] << 8 | pieces[0][3]);
        }

        Assert.Equal([1, 2, 3], tags);
        Assert.Equal(4, fragmenter.NextTag);
    }

    [Fact]
    public void Wraps_the_tag_as_a_uint16()
    {
        var fragmenter = new Fragmenter(0xFFFF);

        Assert.True(fragmenter.TryFragment(Datagram(100), out var last, out _));
        Assert.True(fragmenter.TryFragment(Datagram(100), out var wrapped, out _));

        Assert.Equal([0xFF, 0xFF], last[0][2..4]);
        Assert.Equal([0x00, 0x00], wrapped[0][2..4]);
    }

    [Fact]
    public void Refuses_datagrams_over_1320_bytes_without_using_a_tag()
    {
        var fragmenter = new Fragmenter();

        Assert.False(fragmenter.TryFragment(Datagram(1321), out var pieces, out var error));

        Assert.Empty(pieces);
        Assert.Contains("1320", error, StringComparison.Ordinal);
        Assert.Equal(1, fragmenter.NextTag);
    }

    [Fact]
    public void Gives_concurrent_datagrams_distinct_tags()
    {
        var fragmenter = new Fragmenter();
        var tags = new ConcurrentBag<int>();

        Parallel.For(0, 1000, i =>
        {
            Assert.True(fragmenter.TryFragment(Datagram(90), out var pieces, out _));
            tags.Add(pieces[0][2] << 8 | pieces[0][3]);
        });

        Assert.Equal(Enumerable.Range(1, 1000), tags.Order());
    }

    private static byte[] Datagram(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 3))];
}
