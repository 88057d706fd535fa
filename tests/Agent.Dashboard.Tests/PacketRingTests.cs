using Microsoft.Extensions.Time.Testing;
using Agent.Core.Capture;

namespace Agent.Dashboard.Tests;

public sealed class PacketRingTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1700000000));

    private CaptureRecord Record(string agent, int length = 48) =>
        new(agent, LinkType.RawIp, _time.GetUtcNow(), Packets.EchoRequest("bbbb::1", "bbbb::2", payload: length - 48), "tun0", $"fromAgent.{agent}.ip.tun.packet.raw");

    [Fact]
    public void Packets_older_than_the_keep_time_are_forgotten()
    {
        var ring = new PacketRing(TimeSpan.FromMinutes(2), 100, 1_000_000, _time);
        ring.Add(Record("agent_1"), "agent_2", "a");
        _time.Advance(TimeSpan.FromMinutes(1.5));
        ring.Add(Record("agent_2"), "agent_1", "b");
        _time.Advance(TimeSpan.FromMinutes(1));

        var left = Assert.Single(ring.After(0, 10));
        Assert.Equal(("agent_2", 2L), (left.Record.Agent, left.Sequence));
        Assert.Equal(0, ring.Forgotten);
    }

    [Fact]
    public void Beyond_its_count_or_bytes_the_oldest_go_first_and_are_counted()
    {
        var byCount = new PacketRing(TimeSpan.FromHours(1), 3, 1_000_000, _time);
        for (var i = 0; i < 5; i++) byCount.Add(Record($"agent_{i}"), "-", "");
        Assert.Equal(new[] { "agent_2", "agent_3", "agent_4" }, byCount.After(0, 10).Select(p => p.Record.Agent));
        Assert.Equal(2, byCount.Forgotten);

        var byBytes = new PacketRing(TimeSpan.FromHours(1), 100, 250, _time);
        for (var i = 0; i < 5; i++) byBytes.Add(Record($"agent_{i}", 100), "-", "");
        Assert.Equal(2, byBytes.Count);
    }

    [Fact]
    public void After_gives_the_newer_packets_and_at_most_the_last_few()
    {
        var ring = new PacketRing(TimeSpan.FromHours(1), 100, 1_000_000, _time);
        for (var i = 0; i < 10; i++) ring.Add(Record("agent_1"), "-", $"{i}");

        Assert.Equal(new[] { "7", "8", "9" }, ring.After(2, 3).Select(p => p.Line));
        Assert.Equal(new[] { "9" }, ring.After(9, 3).Select(p => p.Line)); // sequence numbers start at 1
        Assert.Empty(ring.After(ring.LastSequence, 3));
    }

    [Fact]
    public void The_pcapng_holds_the_last_minutes_with_an_interface_per_agent()
    {
        var ring = new PacketRing(TimeSpan.FromMinutes(10), 100, 1_000_000, _time);
        ring.Add(Record("agent_1"), "-", "");
        _time.Advance(TimeSpan.FromMinutes(3));
        ring.Add(Record("agent_1"), "-", "");
        ring.Add(Record("agent_2"), "-", "");

        var all = ring.PcapNg(TimeSpan.FromMinutes(10));
        var last = ring.PcapNg(TimeSpan.FromMinutes(1));

        Assert.Equal(3, Blocks(all).Count(b => b == 6));
        Assert.Equal(2, Blocks(last).Count(b => b == 6));
        Assert.Equal(new uint[] { 0x0A0D0D0A, 1, 6, 1, 6 }, Blocks(last));
    }

    /// <summary>The block types of a pcapng file, walking their lengths.</summary>
    private static List<uint> Blocks(byte[] file)
    {
        var types = new List<uint>();
        for (var at = 0; at < file.Length;)
        {
            types.Add(BitConverter.ToUInt32(file, at));
            var length = BitConverter.ToInt32(file, at + 4);
            Assert.Equal(length, BitConverter.ToInt32(file, at + length - 4));
            at += length;
        }
        return types;
    }
}
