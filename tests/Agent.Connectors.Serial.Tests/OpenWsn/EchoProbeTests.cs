using Agent.Framing;
using Agent.Connectors.Serial.OpenWsn;
using Agent.Testing;

namespace Agent.Connectors.Serial.Tests.OpenWsn;

public class EchoProbeTests
{
    private static readonly System.Text.Json.JsonElement Vector = Vectors.Load(Path.Combine("openwsn", "serial_echo_probe.json")).GetProperty("serial_echo_probe");
    private static readonly byte[] Sent = Vector.Hex("pc_to_mote_raw_hex")[1..];

    [Fact]
    public void Request_is_s_and_the_bytes_as_in_the_vector()
    {
        var request = new EchoProbe(Sent).Request();

        Assert.Equal(Convert.ToHexStringLower(Vector.Hex("pc_to_mote_raw_hex")), Convert.ToHexStringLower(request));
        Assert.Equal(Convert.ToHexStringLower(Vector.Hex("pc_to_mote_hdlc_hex")), Convert.ToHexStringLower(FrameStreams.Encode(new HdlcEncoder(), request)));
    }

    [Fact]
    public void Recognises_the_vector_reply()
    {
        var probe = new EchoProbe(Sent);
        var raw = Vector.Hex("mote_to_pc_raw_hex");

        Assert.True(probe.IsReply(raw));
        Assert.True(EchoProbeReply.TryParse(raw, out var reply));
        Assert.Equal(0x0001, reply.MoteId);
        Assert.Equal(0x12345UL, reply.Asn);
        Assert.Equal(Sent, reply.Echoed.ToArray());
    }

    [Fact]
    public void Recognises_the_reply_as_it_comes_off_the_uart()
    {
        var wire = Vector.Hex("mote_to_pc_uart_wire_hex");
        var filtered = new byte[wire.Length];
        var n = new XonXoffFilter().Filter(wire, filtered);
        var sink = new RecordingSink();
        new HdlcDecoder().Decode(filtered.AsSpan(0, n), sink);

        Assert.True(new EchoProbe(Sent).IsReply(Assert.Single(sink.Frames).Payload));
    }

    [Theory]
    [InlineData("44000145230100005226a612895d0e81096e")] // last byte differs
    [InlineData("44000145230100005226a612895d0e8109")] // one byte short
    [InlineData("44000145230100005226a612895d0e81096f00")] // one byte more
    [InlineData("53000145230100005226a612895d0e81096f")] // not a D frame
    [InlineData("440001452301")] // shorter than the header
    [InlineData("")]
    public void Rejects_anything_but_the_exact_echo(string rawHex) =>
        Assert.False(new EchoProbe(Sent).IsReply(Convert.FromHexString(rawHex)));

    [Fact]
    public void Draws_ten_random_bytes_like_openvisualizer()
    {
        var probe = EchoProbe.Create(new Random(1));

        Assert.Equal(EchoProbe.DefaultLength, probe.Payload.Length);
        Assert.Equal(EchoProbe.RequestType, probe.Request()[0]);
        Assert.Equal(probe.Payload.ToArray(), probe.Request()[1..]);
    }

    [Fact]
    public void Refuses_an_empty_probe() => Assert.Throws<ArgumentOutOfRangeException>(() => new EchoProbe([]));

    [Fact]
    public void Does_not_parse_a_non_d_frame_as_reply() =>
        Assert.False(EchoProbeReply.TryParse(Convert.FromHexString("5300014523010000"), out _));
}
