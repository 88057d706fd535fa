using Serilog;
using Serilog.Events;
using Agent.Core.Drops;
using Agent.Core.Packets;

namespace Agent.Core.Relay;

/// <summary>
/// Per-packet log lines, rate-limited: at most <c>linesPerSecond</c> lines a second, then one summary line a second,
/// so that a flood never turns into a log flood. At verbose level (<c>-vv</c>) every packet is logged, each with its
/// <see cref="HexDump"/> for <c>text2pcap</c>, without a limit: that level is asked for to see them all.
/// </summary>
public sealed class PacketLog : IDisposable
{
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly int _linesPerSecond;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private int _linesThisSecond;
    private long _suppressed;

    public PacketLog(ILogger log, TimeProvider time, int linesPerSecond = 20)
    {
        _log = log;
        _time = time;
        _linesPerSecond = linesPerSecond;
        _timer = time.CreateTimer(_ => NextSecond(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>One moved packet: direction, running count, size and a one-line decode; the JSON body at debug level.</summary>
    public void Packet(string direction, long count, ReadOnlySpan<byte> packet, ReadOnlySpan<byte> body = default)
    {
        if (_log.IsEnabled(LogEventLevel.Verbose))
        {
            Dump(direction, count, packet);
            return;
        }
        if (!_log.IsEnabled(LogEventLevel.Information) || !TakeLine()) return;
        if (_log.IsEnabled(LogEventLevel.Debug) && !body.IsEmpty)
            _log.Debug("{Direction} #{Count} {Length} B {Packet} body {Body}", direction, count, packet.Length, IpPacket.Describe(packet), System.Text.Encoding.UTF8.GetString(body));
        else
            _log.Information("{Direction} #{Count} {Length} B {Packet}", direction, count, packet.Length, IpPacket.Describe(packet));
    }

    /// <summary>One packet the router forwarded: <c>agent_1 -> 2 agents #12 ...</c>, the label made only when the line is written.</summary>
    public void Routed(string from, int copies, long count, ReadOnlySpan<byte> packet)
    {
        if (_log.IsEnabled(LogEventLevel.Verbose)) Dump($"{from} -> {copies} agents", count, packet);
        else if (_log.IsEnabled(LogEventLevel.Information) && TakeLine())
            _log.Information("{Direction} #{Count} {Length} B {Packet}", $"{from} -> {copies} agents", count, packet.Length, IpPacket.Describe(packet));
    }

    /// <summary>The packet's line followed by its hex dump, every packet (<c>-vv</c>).</summary>
    private void Dump(string direction, long count, ReadOnlySpan<byte> packet) =>
        _log.Verbose("{Direction} #{Count} {Length} B {Packet}\n{Hex}", direction, count, packet.Length, IpPacket.Describe(packet), HexDump.Text2Pcap(packet));

    /// <summary>One dropped message or frame, with where it came from and why; a quiet drop is logged at debug level.</summary>
    public void Dropped(string source, Drop drop)
    {
        var level = drop.Quiet ? LogEventLevel.Debug : LogEventLevel.Warning;
        if (!_log.IsEnabled(level) || !TakeLine()) return;
        _log.Write(level, "Dropped {Source}: {Reason} ({Detail})", source, drop.Reason.Name(), drop.Detail);
    }

    /// <summary>
    /// Text a device printed (a mote's debug output): one event per line, control characters escaped
    /// (<see cref="DeviceText"/>), within the same budget of lines.
    /// </summary>
    public void Text(string source, string text)
    {
        if (!_log.IsEnabled(LogEventLevel.Information)) return;
        foreach (var line in DeviceText.Lines(text))
        {
            if (TakeLine()) _log.Information("{Source} says: {Text}", source, line);
        }
    }

    private bool TakeLine()
    {
        lock (_lock)
        {
            if (_linesThisSecond < _linesPerSecond)
            {
                _linesThisSecond++;
                return true;
            }
            _suppressed++;
            return false;
        }
    }

    private void NextSecond()
    {
        long suppressed;
        lock (_lock)
        {
            suppressed = _suppressed;
            _suppressed = 0;
            _linesThisSecond = 0;
        }
        if (suppressed > 0)
            _log.Information("... {Suppressed} more packet lines in the last second not shown (at most {Limit} a second)", suppressed, _linesPerSecond);
    }

    public void Dispose()
    {
        _timer.Dispose();
        NextSecond();
    }
}
