using Microsoft.Extensions.Time.Testing;
using Agent.Testing;
using Agent.Core.Relay;

namespace Agent.Core.Tests.Relay;

/// <summary>What a mote prints reaches the log as its own lines, with nothing a terminal would act on.</summary>
public sealed class DeviceTextTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("\u001b[31mred\u001b[0m", @"\x1b[31mred\x1b[0m")]
    [InlineData("ding\a", @"ding\x07")]
    [InlineData("tab\there", @"tab\x09here")]
    [InlineData("del\u007f c1\u009b", @"del\x7f c1\x9b")]
    [InlineData("right\u202eto left", @"right\u202eto left")]
    [InlineData(@"a \x1b that was typed", @"a \\x1b that was typed")]
    public void Control_and_format_characters_are_escaped(string text, string logged) => Assert.Equal(logged, DeviceText.Escape(text));

    [Fact]
    public void Text_is_split_into_lines_at_every_kind_of_newline_and_blank_lines_are_left_out()
    {
        Assert.Equal(["one", "two", "three", "four"], DeviceText.Lines("one\ntwo\r\nthree\r\r\n  \nfour\n"));
    }

    [Fact]
    public void A_mote_cannot_forge_a_log_line_or_reach_the_terminal()
    {
        var (log, sink) = CollectingSink.Logger();
        using var packetLog = new PacketLog(log, new FakeTimeProvider());
        packetLog.Text("/dev/ttyUSB0", "booted\n00:00:00.000 ERR Broker connection lost\u001b[2J\a");
        Assert.Equal(["/dev/ttyUSB0 says: booted", @"/dev/ttyUSB0 says: 00:00:00.000 ERR Broker connection lost\x1b[2J\x07"], sink.Lines);
        Assert.All(sink.Lines, line => Assert.DoesNotContain(line, char.IsControl));
    }
}
