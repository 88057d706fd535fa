using Agent.Core.Relay;

namespace Agent.Core.Tests.Relay;

public sealed class HexDumpTests
{
    [Fact]
    public void Sixteen_bytes_a_line_after_a_six_digit_hex_offset()
    {
        var packet = Enumerable.Range(0, 33).Select(i => (byte)(i * 7)).ToArray();
        Assert.Equal(
            "000000 00 07 0e 15 1c 23 2a 31 38 3f 46 4d 54 5b 62 69\n" +
            "000010 70 77 7e 85 8c 93 9a a1 a8 af b6 bd c4 cb d2 d9\n" +
            "000020 e0",
            HexDump.Text2Pcap(packet));
    }

    [Fact]
    public void An_empty_packet_is_an_empty_dump() => Assert.Equal("", HexDump.Text2Pcap([]));
}
