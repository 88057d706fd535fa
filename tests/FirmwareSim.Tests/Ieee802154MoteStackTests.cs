using System.Net;
using FirmwareSim.Ieee802154;
using FirmwareSim.Ip;
using FirmwareSim.Stack;
using Microsoft.Extensions.Time.Testing;
using static FirmwareSim.Tests.TestPackets;

namespace FirmwareSim.Tests;

public class Ieee802154MoteStackTests
{
    // The frame of PROTOCOL.md 4: PAN 0xABCD, broadcast destination, EUI-64 source, an RPL DIS to ff02::1a.
    private static readonly byte[] ProtocolExample =
    [
        65, 216, 206, 205, 171, 255, 255, 156, 237, 51, 4, 0, 75, 18, 0, 65, 96, 0, 0, 0, 0, 6, 58, 64, 254, 128, 0, 0, 0, 0, 0, 0, 2, 18,
        75, 0, 4, 51, 237, 156, 255, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 26, 155, 0, 40, 63, 0, 0,
    ];

    // The sender of the example: EUI-64 00:12:4b:00:04:33:ed:9c, least significant byte first on the air.
    private static readonly byte[] PeerOnAir = [0x9C, 0xED, 0x33, 0x04, 0x00, 0x4B, 0x12, 0x00];
    private static readonly IPAddress PeerLinkLocal = IPAddress.Parse("fe80::212:4b00:433:ed9c");
    private static readonly byte[] MoteOnAir = [0x03, 0x00, 0x00, 0x00, 0xCC, 0x92, 0x15, 0x14];
    private static readonly IPAddress MoteLinkLocal = IPAddress.Parse("fe80::1615:92cc:0:3");

    private static Ieee802154MoteStack Mote(string? address = null) =>
        new(MoteIdentity.Create(Eui64.Parse("14:15:92:cc:00:00:00:03"), address is null ? null : IPAddress.Parse(address), null),
            new EventLog(TextWriter.Null, new FakeTimeProvider()));

    // Frame control 0x41 0xD8: data, PAN ID compression, short destination, 2006, extended source.
    private static byte[] BroadcastFrame(byte sequence, byte[] ipv6) =>
        [0x41, 0xD8, sequence, 0xCD, 0xAB, 0xFF, 0xFF, .. PeerOnAir, 0x41, .. ipv6];

    // Frame control 0x41 0xDC: as above with an extended destination.
    private static byte[] UnicastFrame(byte sequence, byte[] destinationOnAir, byte[] ipv6) =>
        [0x41, 0xDC, sequence, 0xCD, 0xAB, .. destinationOnAir, .. PeerOnAir, 0x41, .. ipv6];

    [Fact]
    public void Parses_the_protocol_example()
    {
        Assert.True(MacFrame.TryParse(ProtocolExample, out var frame, out _));
        Assert.Equal(MacFrame.TypeData, frame!.FrameType);
        Assert.True(frame.PanIdCompression);
        Assert.Equal(1, frame.Version);
        Assert.Equal((byte)206, frame.Sequence);
        Assert.Equal((ushort)0xABCD, frame.DestinationPan);
        Assert.Null(frame.SourcePan);
        Assert.Equal(AddressMode.Short, frame.DestinationMode);
        Assert.Equal(new byte[] { 0xFF, 0xFF }, frame.DestinationAddress);
        Assert.Equal(AddressMode.Extended, frame.SourceMode);
        Assert.Equal(PeerOnAir, frame.SourceAddress);
        Assert.Equal(0x41, frame.Payload[0]);
        Assert.Equal(0x60, frame.Payload[1]);
    }

    [Fact]
    public void Parses_a_2003_frame_without_pan_id_compression()
    {
        // Data, no compression, short destination 0x1234 in PAN 0x0001, extended source in PAN 0x0002.
        byte[] raw = [0x01, 0xC8, 5, 0x01, 0x00, 0x34, 0x12, 0x02, 0x00, .. PeerOnAir, 0xAA];
        Assert.True(MacFrame.TryParse(raw, out var frame, out _));
        Assert.Equal(0, frame!.Version);
        Assert.Equal((ushort)1, frame.DestinationPan);
        Assert.Equal((ushort)2, frame.SourcePan);
        Assert.Equal(new byte[] { 0x34, 0x12 }, frame.DestinationAddress);
        Assert.Equal(PeerOnAir, frame.SourceAddress);
        Assert.Equal(new byte[] { 0xAA }, frame.Payload);
    }

    [Fact]
    public void Parses_a_2015_frame_with_both_extended_addresses_and_compression_as_having_no_pan()
    {
        byte[] raw = [0x41, 0xEC, 9, .. MoteOnAir, .. PeerOnAir, 0x41];
        Assert.True(MacFrame.TryParse(raw, out var frame, out _));
        Assert.Equal(2, frame!.Version);
        Assert.Null(frame.Pan);
        Assert.Equal(MoteOnAir, frame.DestinationAddress);
        Assert.Equal(PeerOnAir, frame.SourceAddress);
    }

    [Fact]
    public void Broadcast_echo_request_gets_a_data_frame_back_to_the_sender()
    {
        var mote = Mote();
        var request = EchoRequest6(PeerLinkLocal, MoteLinkLocal, 0x0101, 3, [0x7E, 0xC0, 1, 2]);

        var reply = Assert.Single(mote.Receive(BroadcastFrame(41, request)));

        Assert.True(MacFrame.TryParse(reply, out var frame, out _));
        Assert.Equal(MacFrame.TypeData, frame!.FrameType);
        Assert.Equal((byte)42, frame.Sequence);
        Assert.Equal((ushort)0xABCD, frame.DestinationPan);
        Assert.True(frame.PanIdCompression);
        Assert.False(frame.AckRequest);
        Assert.Equal(AddressMode.Extended, frame.DestinationMode);
        Assert.Equal(PeerOnAir, frame.DestinationAddress);
        Assert.Equal(AddressMode.Extended, frame.SourceMode);
        Assert.Equal(MoteOnAir, frame.SourceAddress);
        // Raw bytes as well: 0x41 0xDC, sequence, PAN low byte first.
        Assert.Equal(new byte[] { 0x41, 0xDC, 42, 0xCD, 0xAB }, reply[..5]);

        Assert.Equal(0x41, frame.Payload[0]);
        var ipv6 = frame.Payload[1..];
        Assert.Equal(MoteLinkLocal, Source6(ipv6));
        Assert.Equal(PeerLinkLocal, Destination6(ipv6));
        Assert.Equal(129, ipv6[40]);
        Assert.Equal(0, Verify6(ipv6));
        Assert.Equal(request[44..], ipv6[44..]);
    }

    [Fact]
    public void Unicast_to_its_extended_address_is_answered_and_to_another_is_not()
    {
        var mote = Mote(address: "bbbb::3");
        var request = EchoRequest6(Host6, IPAddress.Parse("bbbb::3"), 1, 255, []);

        var reply = Assert.Single(mote.Receive(UnicastFrame(255, MoteOnAir, request)));
        Assert.True(MacFrame.TryParse(reply, out var frame, out _));
        Assert.Equal((byte)0, frame!.Sequence); // 255 + 1 wraps
        Assert.Equal(0, Verify6(frame.Payload[1..]));

        byte[] other = [.. MoteOnAir[..7], 0x99];
        Assert.Empty(mote.Receive(UnicastFrame(1, other, request)));
        Assert.Equal(1, mote.Counters.IgnoredByReason[Ieee802154MoteStack.NotForMe]);
    }

    [Fact]
    public void Ignores_the_protocol_example_a_multicast_rpl_dis()
    {
        var mote = Mote();
        Assert.Empty(mote.Receive(ProtocolExample));
        Assert.Equal(1, mote.Counters.IgnoredByReason[IpOutcome.NotForMe]);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x41 })]
    [InlineData(new byte[] { 0x41, 0xD8, 1, 0xCD })]
    [InlineData(new byte[] { 0x02, 0x00, 7 })] // an acknowledgement
    [InlineData(new byte[] { 0x49, 0xD8, 1, 0xCD, 0xAB, 0xFF, 0xFF, 1, 2, 3, 4, 5, 6, 7, 8, 0x41 })] // security enabled
    [InlineData(new byte[] { 0x41, 0xD8, 1, 0xCD, 0xAB, 0xFF, 0xFF, 1, 2, 3, 4, 5, 6, 7, 8, 0x7A, 0x33 })] // IPHC, not uncompressed
    [InlineData(new byte[] { 0x41, 0xD4, 1, 0xCD, 0xAB, 0xFF, 0xFF })] // reserved address mode
    public void Junk_is_ignored_and_counted(byte[] frame)
    {
        var mote = Mote();
        Assert.Empty(mote.Receive(frame));
        Assert.Equal(1, mote.Counters.Ignored);
    }
}
