using Agent.Core.Packets;
using Agent.Testing;

namespace Agent.Core.Tests.Packets;

public sealed class IpPacketTests
{
    [Fact]
    public void Whole_packets_are_well_formed()
    {
        Assert.True(IpPacket.IsWellFormed(SamplePackets.EchoRequestV6, out _));
        Assert.True(IpPacket.IsWellFormed(SamplePackets.EchoRequestV4, out _));
    }

    [Fact]
    public void Truncated_or_padded_packets_are_not()
    {
        Assert.False(IpPacket.IsWellFormed(SamplePackets.EchoRequestV6[..^1], out var reason));
        Assert.Contains("payload length", reason);
        Assert.False(IpPacket.IsWellFormed([.. SamplePackets.EchoRequestV4, 0], out reason));
        Assert.Contains("total length", reason);
        Assert.False(IpPacket.IsWellFormed(SamplePackets.EchoRequestV6[..20], out _));
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x50, 0, 0, 0 })]
    [InlineData(new byte[] { 0x41, 0xd8 })]
    public void Other_versions_are_not(byte[] data) => Assert.False(IpPacket.IsWellFormed(data, out _));

    [Fact]
    public void Descriptions_fit_on_one_line()
    {
        Assert.Equal("bbbb::1 -> bbbb::2 ICMPv6 echo-request id 26906 seq 1", IpPacket.Describe(SamplePackets.EchoRequestV6));
        Assert.Equal("10.2.0.1 -> 10.2.0.2 ICMP echo-request id 7 seq 1", IpPacket.Describe(SamplePackets.EchoRequestV4));
    }
}
