using System.Buffers;
using System.Text;
using System.Text.Json;
using Agent.Core.Protocol;

namespace Agent.Core.Tests.Protocol;

/// <summary>
/// The hand-written packet body (issue 11) against the general JSON library: what it writes is byte for byte what
/// Utf8JsonWriter writes, and what it reads is what Utf8JsonReader reads, on random bodies and on every odd shape.
/// </summary>
public sealed class PacketJsonTests
{
    private static readonly string[] Names = ["tun0", "agent_1", "", "ta\"b", "é-tun", "a\\b", "<x>&'y'", "tab\there", "\u0001"];

    [Fact]
    public void Writing_gives_what_Utf8JsonWriter_gives_byte_for_byte()
    {
        var random = new Random(11);
        for (var round = 0; round < 2000; round++)
        {
            var data = Bytes(random, round % 7 == 0 ? 0 : random.Next(1, 1500));
            var slip = Bytes(random, random.Next(0, 40));
            var name = Names[random.Next(Names.Length)];
            var time = DateTimeOffset.FromUnixTimeMilliseconds(random.NextInt64(0, 4_102_444_800_000));
            var integer = random.Next(2) == 0;
            var withSlip = random.Next(2) == 0;

            var ours = new ArrayBufferWriter<byte>();
            PacketMessage.Write(ours, data, name, time, integer, slip, withSlip);
            var reference = Reference(data, name, time, integer, slip, withSlip);
            Assert.Equal(Encoding.UTF8.GetString(reference), Encoding.UTF8.GetString(ours.WrittenSpan));
        }
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1_700_000_000_000L)]
    [InlineData(1_700_000_000_001L)]
    [InlineData(1_700_000_000_010L)]
    [InlineData(1_700_000_000_100L)]
    [InlineData(1_700_000_000_999L)]
    [InlineData(253_402_300_799_999L)]
    public void Timestamps_are_written_as_the_general_writer_writes_them(long unixMilliseconds)
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);
        foreach (var integer in new[] { false, true })
        {
            var ours = new ArrayBufferWriter<byte>();
            PacketMessage.Write(ours, [96, 0], "tun0", time, integer);
            Assert.Equal(Encoding.UTF8.GetString(Reference([96, 0], "tun0", time, integer, [], false)),
                Encoding.UTF8.GetString(ours.WrittenSpan));
        }
    }

    [Fact]
    public void What_is_written_reads_back_the_same()
    {
        var random = new Random(12);
        for (var round = 0; round < 500; round++)
        {
            var data = Bytes(random, random.Next(0, 300));
            var name = Names[random.Next(Names.Length)];
            var output = new ArrayBufferWriter<byte>();
            PacketMessage.Write(output, data, name, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), false, [1, 2], true);
            Assert.True(PacketMessage.TryRead(output.WrittenSpan, out var message, out var error), error);
            Assert.Equal(data, message.Data);
            Assert.Equal(name, message.InterfaceName);
            Assert.Equal(1_700_000_000.123, message.Timestamp);
            Assert.Equal([1, 2], message.DataSlip!);
        }
    }

    [Theory]
    [InlineData("""{"data": [96, 0, 255], "interface_name": "tun0", "timestamp": 1700000000.5}""")]
    [InlineData("""{"_api_version":"1.2.15","data":[96,0],"data_slip":[192],"interface_name":"tun0","timestamp":1700000000}""")]
    [InlineData("""{"data": [], "timestamp": null, "other": "x"}""")]
    public void The_bodies_implementations_send_take_the_fast_path(string json)
    {
        Assert.True(PacketJson.TryReadPlain(Encoding.UTF8.GetBytes(json), out var data, out _, out _, out _));
        Assert.NotNull(data);
    }

    public static TheoryData<string> Shapes() => new()
    {
        """{"data": [96, 0, 255], "interface_name": "tun0", "timestamp": 1700000000.5}""", // Python's separators
        """{"_api_version":"1.2.15","data":[96,0],"interface_name":"tun0","timestamp":1700000000}""",
        " \r\n\t{ \"data\" : [ 1 , 2 ] } \n",
        """{"data":[]}""",
        """{"data":[0]}""",
        """{"data":[00]}""",
        """{"data":[0255]}""",
        """{"data":[256]}""",
        """{"data":[-0]}""",
        """{"data":[-1]}""",
        """{"data":[1.0]}""",
        """{"data":[1e2]}""",
        """{"data":[1E0]}""",
        """{"data":[1,]}""",
        """{"data":[,1]}""",
        """{"data":[1 2]}""",
        """{"data":[1],}""",
        """{"data":[1]""",
        """{"data":[1]}}""",
        """{"data":[1]} x""",
        """{"data":[1]}{}""",
        """{"data":[1],"data":[2]}""",
        """{"data":[1],"timestamp":1,"timestamp":2}""",
        """{"data":[1],"extra":1,"extra":2}""",
        """{"data":[1],"timestamp":-0}""",
        """{"data":[1],"timestamp":1e2}""",
        """{"data":[1],"timestamp":1.}""",
        """{"data":[1],"timestamp":.5}""",
        """{"data":[1],"timestamp":01}""",
        """{"data":[1],"timestamp":1e400}""",
        """{"data":[1],"timestamp":"1700000000"}""",
        """{"data":[1],"timestamp":null}""",
        """{"data":[1],"timestamp":nul}""",
        """{"data":[1],"interface_name":null}""",
        """{"data":[1],"interface_name":7}""",
        """{"data":[1],"interface_name":"t\u0075n0"}""",
        """{"data":[1],"interface_name":"t\"un"}""",
        """{"data":[1],"interface_name":"é"}""",
        """{"data":[1],"extra":{"a":[1]},"more":[true,false,null]}""",
        """{"data":[1],"extra":truex}""",
        """{"data":[1] /* comment */}""",
        """{"data":"YQ=="}""",
        """{"data":null}""",
        """{"data_slip":[1]}""",
        """{"data":[1],"data_slip":[300]}""",
        """{"data":[1],"data_slip":"x"}""",
        """{"Data":[1]}""",
        """[{"data":[1]}]""",
        """{}""",
        "",
        "{",
        "{\"data\":[1]}\u0000",
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Reading_agrees_with_the_general_reader_on_every_shape(string json) => AssertAgrees(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Reading_agrees_with_the_general_reader_on_random_bodies_and_their_mutations()
    {
        var random = new Random(13);
        for (var round = 0; round < 3000; round++)
        {
            var output = new ArrayBufferWriter<byte>();
            PacketMessage.Write(output, Bytes(random, random.Next(0, 60)), Names[random.Next(Names.Length)],
                DateTimeOffset.FromUnixTimeMilliseconds(random.NextInt64(0, 2_000_000_000_000)), random.Next(2) == 0,
                Bytes(random, 3), random.Next(2) == 0);
            var body = output.WrittenSpan.ToArray();
            AssertAgrees(body);
            // One byte changed to one of JSON's own characters: mostly not plain any more, sometimes not JSON at all.
            var mutated = (byte[])body.Clone();
            mutated[random.Next(mutated.Length)] = "{}[],:\" 0129-.eE\\nx"u8[random.Next(19)];
            AssertAgrees(mutated);
            AssertAgrees(body.AsSpan(0, random.Next(body.Length)).ToArray());
        }
    }

    private static void AssertAgrees(byte[] json)
    {
        var fast = PacketMessage.TryRead(json, out var message, out var error);
        var slow = General(json, out var expected, out var expectedError);
        Assert.True(fast == slow, $"{Encoding.UTF8.GetString(json)}: ours {fast} ({error}), general {slow} ({expectedError})");
        if (!fast) return;
        Assert.Equal(expected.Data, message.Data);
        Assert.Equal(expected.InterfaceName, message.InterfaceName);
        Assert.Equal(expected.Timestamp, message.Timestamp);
        Assert.Equal(expected.DataSlip, message.DataSlip);
    }

    /// <summary>The general reader alone: a body with a leading comment is never plain, and reads the same.</summary>
    private static bool General(byte[] json, out PacketMessage message, out string error)
    {
        var withComment = Encoding.UTF8.GetBytes("/**/").Concat(json).ToArray();
        return PacketMessage.TryRead(withComment, out message, out error);
    }

    private static byte[] Reference(byte[] data, string name, DateTimeOffset time, bool integer, byte[] slip, bool withSlip)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("_api_version", Wire.ApiVersion);
            writer.WriteStartArray("data");
            foreach (var b in data) writer.WriteNumberValue(b);
            writer.WriteEndArray();
            if (withSlip)
            {
                writer.WriteStartArray("data_slip");
                foreach (var b in slip) writer.WriteNumberValue(b);
                writer.WriteEndArray();
            }
            writer.WriteString("interface_name", name);
            if (integer) writer.WriteNumber("timestamp", time.ToUnixTimeSeconds());
            else writer.WriteNumber("timestamp", Math.Round(time.ToUnixTimeMilliseconds() / 1000.0, 3));
            writer.WriteEndObject();
        }
        return output.WrittenSpan.ToArray();
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
