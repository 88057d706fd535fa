using Agent.Framing;
using Agent.Connectors.Serial.OpenWsn;
using Agent.Testing;
using Agent.Core.Addressing;

namespace Agent.Connectors.Serial.Tests.OpenWsn;

public class SetRootFrameTests
{
    private static readonly System.Text.Json.JsonElement Vector = Vectors.Load(Path.Combine("openwsn", "pc_to_mote_setroot.json")).GetProperty("pc_to_mote_setroot");
    private static readonly byte[] Key = [.. Enumerable.Range(0, 16).Select(i => (byte)i)];

    [Fact]
    public void Toggle_is_openvisualizer_frame_byte_for_byte()
    {
        var frame = SetRootFrame.Build(Ipv6Prefix.Default, 1, Key, SetRootFrameAction.Toggle);

        Assert.Equal(Convert.ToHexStringLower(Vector.Hex("raw_frame_hex")), Convert.ToHexStringLower(frame));
        Assert.Equal(Convert.ToHexStringLower(Vector.Hex("hdlc_frame_hex")), Convert.ToHexStringLower(FrameStreams.Encode(new HdlcEncoder(), frame)));
        Assert.Equal(Vector.GetProperty("length_without_type").GetInt32(), frame.Length - 1);
    }

    [Fact]
    public void Sets_by_default_with_the_same_layout()
    {
        var frame = SetRootFrame.Build(Ipv6Prefix.Default, SetRootFrame.DefaultKeyIndex, Key);

        // OPENWSN.md E item 4: 52 59 bbbb000000000000 01 <key>.
        Assert.Equal("5259bbbb00000000000001000102030405060708090a0b0c0d0e0f", Convert.ToHexStringLower(frame));
        Assert.Equal(SetRootFrame.Length, frame.Length);
    }

    [Theory]
    [InlineData(SetRootFrameAction.Set, 'Y')]
    [InlineData(SetRootFrameAction.Clear, 'N')]
    [InlineData(SetRootFrameAction.Toggle, 'T')]
    public void Carries_the_action_asked_for(SetRootFrameAction action, char expected) =>
        Assert.Equal((byte)expected, SetRootFrame.Build(Ipv6Prefix.Default, 1, Key, action)[1]);

    [Fact]
    public void Carries_the_prefix_and_key_index_given()
    {
        var frame = SetRootFrame.Build(Ipv6Prefix.Parse("2001:db8:0:1"), 7, Key);

        Assert.Equal("20010db800000001", Convert.ToHexStringLower(frame.AsSpan(2, 8)));
        Assert.Equal(7, frame[10]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(17)]
    public void Refuses_a_key_that_is_not_16_bytes(int length) =>
        Assert.Throws<ArgumentException>(() => SetRootFrame.Build(Ipv6Prefix.Default, 1, new byte[length]));
}
