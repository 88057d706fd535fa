using Agent.Connectors.Serial.OpenWsn;

namespace Agent.Connectors.Serial.Tests.OpenWsn;

public class Rh3EncoderTests
{
    [Theory]
    [InlineData(0x141592cc00000002UL, 0x141592cc00000002UL, 0)] // identical: type 0, OV tests bytes 0..6 first
    [InlineData(0x141592cc00000002UL, 0x141592cc000000ffUL, 0)]
    [InlineData(0x141592cc00000002UL, 0x141592cc00000102UL, 1)]
    [InlineData(0x141592cc00000002UL, 0x141592cc00010002UL, 2)]
    [InlineData(0x141592cc00000002UL, 0x141592cd00000002UL, 3)]
    [InlineData(0x0000000000000001UL, 0x141592cc00000002UL, 3)]
    public void Picks_the_type_by_how_many_leading_iid_bytes_match(ulong reference, ulong hop, byte type) =>
        Assert.Equal(type, Rh3Encoder.SuffixType(reference, new Eui64(hop)));

    [Fact]
    public void Compares_each_hop_with_the_one_before_and_groups_runs_of_one_type()
    {
        Eui64[] hops =
        [
            new(0x0102030405060708), new(0x1112131415161718), // type 3, type 3: one header of two
            new(0x1112131415160102), // type 1
            new(0x1112131400000000), new(0x11121314ffffffff), // type 2, type 2
            new(0x11121314ffffff00), // type 0
        ];
        var buffer = new byte[Rh3Encoder.MaxLength(hops.Length)];

        var n = Rh3Encoder.Write(1, hops, buffer);

        Assert.Equal(
            "8103" + "0102030405060708" + "1112131415161718" +
            "8001" + "0102" +
            "8102" + "00000000" + "ffffffff" +
            "8000" + "00",
            Convert.ToHexStringLower(buffer.AsSpan(0, n)));
    }

    [Fact]
    public void Writes_nothing_for_no_hops() => Assert.Equal(0, Rh3Encoder.Write(1, [], []));

    [Fact]
    public void Starts_a_new_header_after_32_hops_of_one_type()
    {
        var hops = Enumerable.Range(0, 33).Select(i => new Eui64(0x0100000000000000UL * (ulong)(i + 1) + 1)).ToArray();
        var buffer = new byte[Rh3Encoder.MaxLength(hops.Length)];

        var n = Rh3Encoder.Write(1, hops, buffer);

        Assert.Equal(2 + 32 * 8 + 2 + 8, n);
        Assert.Equal([0x9F, 0x03], buffer[..2]);
        Assert.Equal([0x80, 0x03], buffer[(2 + 32 * 8)..(4 + 32 * 8)]);
    }
}
