using CsCheck;
using Agent.Testing;
using System.Text.Json;
using Agent.Framing;

namespace Agent.Framing.Tests;

public class XonXoffFilterTests
{
    private static readonly JsonElement Corner = Vectors.Load("openwsn/hdlc_xonxoff.json").GetProperty("hdlc_xonxoff_corner_case");

    private static byte[] FilterAll(XonXoffFilter filter, ReadOnlySpan<byte> input, int[] chunkSizes)
    {
        var output = new List<byte>();
        var buffer = new byte[input.Length];
        for (var k = 0; !input.IsEmpty; k++)
        {
            var size = Math.Min(chunkSizes[k % chunkSizes.Length], input.Length);
            var n = filter.Filter(input[..size], buffer);
            output.AddRange(buffer.AsSpan(0, n));
            input = input[size..];
        }
        return [.. output];
    }

    [Fact]
    public void Corner_case_vector_gives_the_hdlc_frame_at_every_split()
    {
        var uart = Corner.Hex("uart_wire_hex");
        var hdlc = Convert.ToHexStringLower(Corner.Hex("hdlc_frame_hex"));
        for (var split = 0; split <= uart.Length; split++)
        {
            var filter = new XonXoffFilter();
            var buffer = new byte[uart.Length];
            var n = filter.Filter(uart.AsSpan(0, split), buffer);
            n += filter.Filter(uart.AsSpan(split), buffer.AsSpan(n));
            Assert.Equal(hdlc, Convert.ToHexStringLower(buffer.AsSpan(0, n)));
        }
        Assert.Equal(hdlc, Convert.ToHexStringLower(FilterAll(new XonXoffFilter(), uart, [1])));
    }

    [Fact]
    public void Corner_case_vector_decodes_to_the_raw_frame_and_reports_flow()
    {
        var filter = new XonXoffFilter();
        var flow = new List<bool>();
        filter.FlowChanged += flow.Add;
        var sink = new RecordingSink();
        new HdlcDecoder().Decode(FilterAll(filter, Corner.Hex("uart_wire_hex"), [1000]), sink);

        Assert.Equal([Convert.ToHexStringLower(Corner.Hex("raw_hex"))], sink.PayloadsHex);
        Assert.Equal(1, filter.XonCount);   // the stray XON at the start
        Assert.Equal(1, filter.XoffCount);  // the XOFF at the end
        Assert.True(filter.Paused);
        Assert.Equal([false], flow); // the leading XON changed nothing: not paused yet
    }

    [Fact]
    public void Every_openwsn_uart_vector_decodes_to_its_raw_frame()
    {
        var cases = 0;
        foreach (var file in Directory.GetFiles(Path.Combine(Vectors.Folder, "openwsn"), "*.json").Where(f => Path.GetFileName(f) != "index.json"))
        {
            foreach (var (uart, raw) in UartCases(Vectors.Load(Path.Combine("openwsn", Path.GetFileName(file)))))
            {
                var sink = new RecordingSink();
                new HdlcDecoder().Decode(FilterAll(new XonXoffFilter(), uart, [7]), sink);
                Assert.Empty(sink.Drops);
                Assert.Equal(raw, Assert.Single(sink.Frames).Payload);
                cases++;
            }
        }
        Assert.True(cases >= 10, $"only {cases} uart vectors found");
    }

    [Fact]
    public void Every_openwsn_hdlc_vector_is_what_our_encoder_writes()
    {
        var cases = 0;
        foreach (var file in Directory.GetFiles(Path.Combine(Vectors.Folder, "openwsn"), "*.json").Where(f => Path.GetFileName(f) != "index.json"))
        {
            foreach (var (hdlc, raw) in Pairs(Vectors.Load(Path.Combine("openwsn", Path.GetFileName(file))), "hdlc_frame_hex"))
            {
                Assert.Equal(Convert.ToHexStringLower(hdlc), Convert.ToHexStringLower(FrameStreams.Encode(new HdlcEncoder(), raw)));
                cases++;
            }
        }
        Assert.True(cases >= 20, $"only {cases} hdlc vectors found");
    }

    [Theory]
    [InlineData("12", "01", "11")]
    [InlineData("4112", "0342", "411342")]
    [InlineData("4112", "02", "4112")]
    [InlineData("12", "", "")]
    public void An_escape_at_the_end_of_a_chunk_applies_to_the_next(string first, string second, string expected)
    {
        var filter = new XonXoffFilter();
        var buffer = new byte[8];
        var n = filter.Filter(Convert.FromHexString(first), buffer);
        n += filter.Filter(Convert.FromHexString(second), buffer.AsSpan(n));
        Assert.Equal(expected, Convert.ToHexStringLower(buffer.AsSpan(0, n)));
    }

    [Fact]
    public void An_escape_survives_an_empty_chunk()
    {
        var filter = new XonXoffFilter();
        var buffer = new byte[4];
        Assert.Equal(0, filter.Filter(Convert.FromHexString("12"), buffer));
        Assert.Equal(0, filter.Filter([], buffer));
        Assert.Equal(1, filter.Filter(Convert.FromHexString("03"), buffer));
        Assert.Equal(0x13, buffer[0]);
    }

    [Fact]
    public void Reports_pause_and_resume_once_per_change()
    {
        var filter = new XonXoffFilter();
        var flow = new List<bool>();
        filter.FlowChanged += flow.Add;
        var buffer = new byte[16];
        var n = filter.Filter(Convert.FromHexString("41131343114211"), buffer);
        Assert.Equal("414342", Convert.ToHexStringLower(buffer.AsSpan(0, n)));
        Assert.Equal([false, true], flow);
        Assert.False(filter.Paused);
        Assert.Equal(2, filter.XonCount);
        Assert.Equal(2, filter.XoffCount);
    }

    [Fact]
    public void Without_unescaping_it_takes_out_and_reports_only_bare_xon_and_xoff_as_termios_ixon_does()
    {
        var filter = new XonXoffFilter(unescape: false);
        var flow = new List<bool>();
        filter.FlowChanged += flow.Add;
        var data = Convert.FromHexString("411201134212031142");
        var n = filter.Filter(data, data);
        Assert.Equal("411201421203" + "42", Convert.ToHexStringLower(data.AsSpan(0, n)));
        Assert.Equal([false, true], flow);
        Assert.Equal(1, filter.XoffCount);
    }

    [Fact]
    public void Filters_in_place()
    {
        var data = Convert.FromHexString("11411201431213441202");
        var n = new XonXoffFilter().Filter(data, data);
        Assert.Equal("4111430344" + "12", Convert.ToHexStringLower(data.AsSpan(0, n)));
    }

    private static IEnumerable<(byte[] Encoded, byte[] Raw)> UartCases(JsonElement root) =>
        Pairs(root, "uart_wire_hex").Concat(Pairs(root, "mote_to_pc_uart_wire_hex", "mote_to_pc_raw_hex"));

    /// <summary>Every object in the file holding <paramref name="encodedKey"/> and its raw frame.</summary>
    private static IEnumerable<(byte[] Encoded, byte[] Raw)> Pairs(JsonElement element, string encodedKey, string? rawKey = null)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty(encodedKey, out _))
            {
                var raw = rawKey ?? (element.TryGetProperty("raw_frame_hex", out _) ? "raw_frame_hex" : "raw_hex");
                yield return (element.Hex(encodedKey), element.Hex(raw));
            }
            foreach (var property in element.EnumerateObject())
                foreach (var pair in Pairs(property.Value, encodedKey, rawKey)) yield return pair;
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
                foreach (var pair in Pairs(item, encodedKey, rawKey)) yield return pair;
        }
    }

    [Fact]
    public void What_the_escaper_writes_the_filter_undoes_for_every_byte_value_under_random_chunking()
    {
        Gen.Byte.Array[0, 600].Select(FrameStreams.Chunking).Sample((bytes, chunking) =>
        {
            var wire = XonXoffEscaper.Apply(bytes);
            Assert.DoesNotContain(XonXoffEscaper.Xon, wire);
            Assert.DoesNotContain(XonXoffEscaper.Xoff, wire);
            var filter = new XonXoffFilter();
            Assert.Equal(bytes, FilterAll(filter, wire, chunking));
            Assert.Equal(0, filter.XonCount + filter.XoffCount);
        });
    }
}
