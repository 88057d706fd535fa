using Agent.Connectors.Serial.Line;
using Agent.Core.Drops;
using Agent.Testing;
using Microsoft.Extensions.Time.Testing;
using static Agent.Connectors.Serial.Tests.Line.RunningLine;

namespace Agent.Connectors.Serial.Tests.Line;

/// <summary>A raw <c>tcp://</c> line against a real TCP peer on loopback.</summary>
public sealed class TcpLineTests
{
    private readonly Serilog.ILogger _log;
    private readonly CollectingSink _sink;

    public TcpLineTests() => (_log, _sink) = CollectingSink.Logger();

    private TcpLine Line(string address, bool holdOnXoff = false, TimeProvider? time = null)
    {
        Assert.True(LineAddress.TryParse(address, out var parsed, out var error), error);
        return new TcpLine(parsed, comPort: null, holdOnXoff, _log, time ?? TimeProvider.System);
    }

    /// <summary>A running line connected to a fresh peer.</summary>
    private async Task<(TcpPeer Peer, RunningLine Line)> ConnectedAsync(bool holdOnXoff)
    {
        var peer = new TcpPeer();
        var line = new RunningLine(Line(peer.Address, holdOnXoff));
        await peer.AcceptAsync();
        await WaitUntilAsync(() => line.Opens == 1, "not opened");
        return (peer, line);
    }

    private Task WaitForLineAsync(string text) => WaitUntilAsync(() => _sink.Lines.Any(l => l.Contains(text)),
        $"no log line with '{text}':\n{string.Join('\n', _sink.Lines)}");

    [Fact]
    public async Task Bytes_go_both_ways_and_a_closed_connection_is_an_unplug_followed_by_a_new_connection()
    {
        await using var peer = new TcpPeer();
        await using var line = new RunningLine(Line(peer.Address));
        await peer.AcceptAsync();
        await WaitUntilAsync(() => line.Opens == 1, "not opened");
        await WaitForLineAsync($"Connected to {peer.Address}");

        await peer.SendAsync([0xC0, 0x3F, 0x50, 0xC0]);
        await WaitUntilAsync(() => line.Received.Length == 4, "the peer's bytes did not arrive");
        Assert.Null(line.Line.Write([0xC0, 0x21, 0x50, 0xFF, 0xC0]));
        Assert.Equal("c02150ffc0", Convert.ToHexStringLower(await peer.ReceiveAsync(5)));

        await peer.HangUpAsync();
        await WaitUntilAsync(() => line.Closes == 1, "the hang-up was not noticed");
        await WaitForLineAsync($"{peer.Address} closed the connection; keeping the session and connecting again in 0.5 s");
        await peer.AcceptAsync();
        await WaitUntilAsync(() => line.Opens == 2, "not connected again");
        Assert.Null(line.Line.Write([0x41]));
        Assert.Equal([0x41], await peer.ReceiveAsync(1));
    }

    [Fact]
    public async Task A_write_while_not_connected_is_dropped_as_device_absent()
    {
        await using var line = new RunningLine(Line($"tcp://127.0.0.1:{TcpPeer.UnusedPort()}"));
        var drop = line.Line.Write([1, 2, 3]);
        Assert.Equal(DropReason.DeviceAbsent, drop?.Reason);
    }

    [Fact]
    public async Task A_refusing_port_is_retried_with_delays_doubling_to_3_s_one_line_per_attempt()
    {
        var time = new FakeTimeProvider();
        var port = TcpPeer.UnusedPort();
        await using var line = new RunningLine(Line($"tcp://127.0.0.1:{port}", time: time));
        string[] delays = ["0.5", "1", "2", "3", "3"];
        for (var attempt = 1; attempt <= delays.Length; attempt++)
        {
            var expected = $"Cannot connect to tcp://127.0.0.1:{port}: 127.0.0.1 refused the connection (nothing listens on port {port}?); " +
                $"retrying in {delays[attempt - 1]} s (attempt {attempt})";
            // Advance the clock until the line has waited its delay and tried again (it may not be waiting yet).
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!_sink.Lines.Contains(expected) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
                if (attempt > 1 && _sink.Lines.Count < attempt) time.Advance(TimeSpan.FromSeconds(double.Parse(delays[attempt - 2])));
            }
            Assert.Contains(expected, _sink.Lines);
        }
        Assert.Equal(_sink.Lines.Count, _sink.Lines.Distinct().Count());
    }

    [Fact]
    public async Task A_host_that_does_not_resolve_is_retried_with_a_clear_line()
    {
        await using var line = new RunningLine(Line("tcp://no-such-host.invalid:20000"));
        await WaitForLineAsync("Cannot connect to tcp://no-such-host.invalid:20000: host no-such-host.invalid does not resolve");
        Assert.Contains("retrying in 0.5 s (attempt 1)", _sink.Lines[0]);
    }

    [Fact]
    public async Task What_the_server_says_before_it_hangs_up_is_in_the_line_about_the_hang_up()
    {
        await using var peer = new TcpPeer();
        await using var line = new RunningLine(Line(peer.Address));
        await peer.AcceptAsync();
        await peer.SendAsync("Port already in use\r\n"u8.ToArray());
        await peer.HangUpAsync();
        await WaitForLineAsync($"{peer.Address} closed the connection after saying 'Port already in use'; keeping the session");
    }

    [Fact]
    public async Task While_the_mote_holds_xoff_our_writes_wait_and_go_out_on_xon()
    {
        var (peer, line) = await ConnectedAsync(holdOnXoff: true);
        await using var stopLine = line;
        await using var stopPeer = peer;

        line.Line.FlowChanged(false);
        var writing = Task.Run(() => line.Line.Write([0x7E, 0x44, 0x7E]));
        await Task.Delay(300);
        Assert.False(writing.IsCompleted, "the write did not wait for XON");
        Assert.Empty(peer.Received);

        line.Line.FlowChanged(true);
        Assert.Null(await writing.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("7e447e", Convert.ToHexStringLower(await peer.ReceiveAsync(3)));
    }

    [Fact]
    public async Task A_write_held_by_xoff_for_2_s_is_dropped_and_the_next_after_xon_goes()
    {
        var (peer, line) = await ConnectedAsync(holdOnXoff: true);
        await using var stopLine = line;
        await using var stopPeer = peer;

        line.Line.FlowChanged(false);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var drop = line.Line.Write([1]);
        Assert.Equal(DropReason.DeviceWrite, drop?.Reason);
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.9, 10);
        line.Line.FlowChanged(true);
        Assert.Null(line.Line.Write([2]));
        Assert.Equal([2], await peer.ReceiveAsync(1));
    }

    [Fact]
    public async Task Without_xon_xoff_flow_an_xoff_holds_nothing()
    {
        var (peer, line) = await ConnectedAsync(holdOnXoff: false);
        await using var stopLine = line;
        await using var stopPeer = peer;
        line.Line.FlowChanged(false);
        Assert.Null(line.Line.Write([3]));
        Assert.Equal([3], await peer.ReceiveAsync(1));
    }
}
