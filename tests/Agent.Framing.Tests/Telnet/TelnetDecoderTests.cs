using Agent.Framing.Telnet;
using Agent.Testing;
using CsCheck;

namespace Agent.Framing.Tests.Telnet;

public class TelnetDecoderTests
{
    /// <summary>What ser2net 4.3.11 sends unprompted on a telnet(rfc2217) accepter (/tmp/research/ser2net/FINDINGS.md 3).</summary>
    private static readonly byte[] Ser2NetOpening = Convert.FromHexString("fffb03fffd03fffb01fffe01fffd00fffb00fffd2c");

    private sealed class Recorder : ITelnetSink
    {
        public List<string> Events { get; } = [];

        public void OnNegotiation(byte verb, byte option) => Events.Add($"{TelnetCodes.VerbName(verb)} {option}");

        public void OnSubnegotiation(byte option, ReadOnlySpan<byte> value) => Events.Add($"SB {option} {Convert.ToHexStringLower(value)}");
    }

    private static (byte[] Data, List<string> Events) DecodeAll(ReadOnlySpan<byte> input, int[] chunkSizes)
    {
        var decoder = new TelnetDecoder();
        var sink = new Recorder();
        var data = new List<byte>();
        var buffer = new byte[input.Length];
        for (var k = 0; !input.IsEmpty; k++)
        {
            var size = Math.Min(chunkSizes[k % chunkSizes.Length], input.Length);
            var n = decoder.Decode(input[..size], buffer, sink);
            data.AddRange(buffer.AsSpan(0, n));
            input = input[size..];
        }
        return ([.. data], sink.Events);
    }

    [Fact]
    public void Ser2nets_opening_is_seven_negotiations_and_no_data()
    {
        var (data, events) = DecodeAll(Ser2NetOpening, [1000]);
        Assert.Empty(data);
        Assert.Equal(["WILL 3", "DO 3", "WILL 1", "DONT 1", "DO 0", "WILL 0", "DO 44"], events);
    }

    [Fact]
    public void Data_negotiations_and_subnegotiations_come_apart_at_every_split()
    {
        // 41 ff(data) 42, a DO 44, a baud-rate answer of 255 (ff doubled in the value), a NOP, 43, a signature.
        var stream = Convert.FromHexString("41ffff42" + "fffd2c" + "fffa2c650000" + "00ffff" + "fff0" + "fff1" + "43" + "fffa2c6473657232fff0");
        for (var split = 0; split <= stream.Length; split++)
        {
            var (data, events) = DecodeAll(stream, [split == 0 ? stream.Length : split, stream.Length]);
            Assert.Equal("41ff4243", Convert.ToHexStringLower(data));
            Assert.Equal(["DO 44", "SB 44 65000000ff", "SB 44 64736572" + "32"], events);
        }
    }

    [Fact]
    public void Another_command_inside_a_subnegotiation_ends_it_and_is_read_as_a_command()
    {
        var (data, events) = DecodeAll(Convert.FromHexString("fffa2c0501fffb0041"), [100]);
        Assert.Equal(["SB 44 0501", "WILL 0"], events);
        Assert.Equal("41", Convert.ToHexStringLower(data));
    }

    [Fact]
    public void Decodes_in_place()
    {
        var stream = Convert.FromHexString("fffb0041ffff42fffa2c6501fff043");
        var n = new TelnetDecoder().Decode(stream, stream, new Recorder());
        Assert.Equal("41ff4243", Convert.ToHexStringLower(stream.AsSpan(0, n)));
    }

    [Fact]
    public void A_long_subnegotiation_is_cut_not_overflowed()
    {
        var value = Enumerable.Repeat((byte)0x61, 1000).ToArray();
        var (data, events) = DecodeAll([.. TelnetEncoder.Subnegotiation(44, value), 0x42], [64]);
        Assert.Equal([0x42], data);
        Assert.Equal(TelnetDecoder.MaxSubnegotiation, (Assert.Single(events).Length - "SB 44 ".Length) / 2);
    }

    [Fact]
    public void Reset_forgets_a_command_cut_by_the_end_of_a_connection()
    {
        var decoder = new TelnetDecoder();
        var buffer = new byte[8];
        decoder.Decode([0xFF, 0xFA, 0x2C], buffer, new Recorder());
        decoder.Reset();
        Assert.Equal(2, decoder.Decode([0x41, 0x42], buffer, new Recorder()));
    }

    [Fact]
    public void Every_byte_value_escaped_and_mixed_with_commands_decodes_to_itself_under_random_chunking()
    {
        Gen.Select(FrameStreams.Byte.Array[0, 600].Array[1, 4], FrameStreams.Chunking).Sample((pieces, chunking) =>
        {
            var stream = new List<byte>();
            foreach (var piece in pieces)
            {
                var escaped = new byte[TelnetEncoder.MaxEscapedLength(piece.Length)];
                stream.AddRange(escaped.AsSpan(0, TelnetEncoder.Escape(piece, escaped)).ToArray());
                stream.AddRange(TelnetEncoder.Negotiation(TelnetCodes.Will, 0));
                stream.AddRange(TelnetEncoder.Subnegotiation(44, piece.Take(20).ToArray()));
            }
            var (data, events) = DecodeAll([.. stream], chunking);
            Assert.Equal(pieces.SelectMany(p => p).ToArray(), data);
            Assert.Equal(pieces.SelectMany(p => new[] { "WILL 0", $"SB 44 {Convert.ToHexStringLower(p.Take(20).ToArray())}" }), events);
        });
    }

    [Fact]
    public void The_encoder_doubles_iac_in_data_and_in_subnegotiation_values()
    {
        var output = new byte[16];
        var n = TelnetEncoder.Escape(Convert.FromHexString("41ff42ff"), output);
        Assert.Equal("41ffff42ffff", Convert.ToHexStringLower(output.AsSpan(0, n)));
        // SET-BAUDRATE 255, as ser2net was seen to take it.
        Assert.Equal("fffa2c01000000fffffff0", Convert.ToHexStringLower(TelnetEncoder.Subnegotiation(44, Convert.FromHexString("01000000ff"))));
    }
}
