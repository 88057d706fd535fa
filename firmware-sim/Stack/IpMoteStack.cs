using System.Globalization;
using System.Net;
using System.Text;
using FirmwareSim.Ip;

namespace FirmwareSim.Stack;

/// <summary>
/// A border-router-style mote speaking tunslip6's protocol (PROTOCOL.md 8): frames hold bare IP packets, commands
/// (<c>!</c>), queries (<c>?</c>) or text lines (0x0A), told apart by their first byte. Without a global address it
/// sends <c>?P</c> every second until the host answers <c>!P</c> + 8 prefix bytes; it then answers pings and UDP
/// echo on prefix + EUI-64 interface identifier, as well as on its link-local address.
/// </summary>
public sealed class IpMoteStack : IMoteStack
{
    public static readonly TimeSpan PrefixRequestInterval = TimeSpan.FromSeconds(1);

    public const string UnknownFirstByte = "unknown-first-byte";
    public const string UnknownCommand = "unknown-command";
    public const string PrefixIgnored = "prefix-ignored";
    public const string TextFromHost = "text-from-host";
    public const string Empty = "empty";

    private static ReadOnlySpan<byte> PrefixRequest => "?P"u8;

    private readonly MoteIdentity _identity;
    private readonly TimeProvider _time;
    private readonly EventLog _log;
    private readonly TimeSpan _textEvery;
    private readonly string? _text;
    private readonly long _boot;
    private long? _lastPrefixRequest;
    private TimeSpan _nextText;

    /// <param name="textEvery">How often to send a text line about itself; zero for never.</param>
    /// <param name="text">What those lines say instead of the summary (a test's forged log lines and escape sequences).</param>
    public IpMoteStack(MoteIdentity identity, TimeSpan textEvery, TimeProvider time, EventLog log, string? text = null)
    {
        _text = text;
        _identity = identity;
        _time = time;
        _log = log;
        _textEvery = textEvery;
        _nextText = textEvery;
        _boot = time.GetTimestamp();
        Host = new IpHost(identity.LinkLocal, identity.Address, identity.Ipv4);
    }

    public IpHost Host { get; }

    public MoteCounters Counters { get; } = new();

    public IReadOnlyList<byte[]> Receive(ReadOnlySpan<byte> frame)
    {
        Counters.Received();
        if (frame.IsEmpty) return Ignore(Empty);
        return frame[0] switch
        {
            >= 0x60 and <= 0x6F => Answer(Host.HandleIpv6(frame)),
            >= 0x45 and <= 0x4F => Answer(Host.HandleIpv4(frame)),
            (byte)'!' => Command(frame),
            (byte)'?' => Query(frame),
            0x0A or 0x0D => Ignore(TextFromHost),
            _ => Ignore(UnknownFirstByte, $" 0x{frame[0]:x2}"),
        };
    }

    public IReadOnlyList<byte[]> Poll()
    {
        var now = _time.GetTimestamp();
        List<byte[]>? frames = null;
        if (Host.Global is null && (_lastPrefixRequest is not { } last || _time.GetElapsedTime(last, now) >= PrefixRequestInterval))
        {
            _lastPrefixRequest = now;
            (frames ??= []).Add(PrefixRequest.ToArray());
        }
        var up = _time.GetElapsedTime(_boot, now);
        if (_textEvery > TimeSpan.Zero && up >= _nextText)
        {
            while (_nextText <= up) _nextText += _textEvery;
            (frames ??= []).Add(TextLine(up));
        }
        return frames ?? (IReadOnlyList<byte[]>)[];
    }

    /// <summary>A text line, as a mote prints to its console: 0x0A, then ASCII.</summary>
    private byte[] TextLine(TimeSpan up)
    {
        var text = _text is not null ? "\n" + _text : string.Create(CultureInfo.InvariantCulture,
            $"\nmote: up {(long)up.TotalSeconds} s, {Counters.EchoReplies} echo replies, {Counters.UdpEchoes} udp echoes, {Counters.Ignored} ignored, address {(object?)Host.Global ?? "none yet"}");
        return Encoding.ASCII.GetBytes(text);
    }

    // !P + 8 bytes: the prefix tunslip6 hands out.
    private IReadOnlyList<byte[]> Command(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 10 || frame[1] != 'P') return Ignore(UnknownCommand);
        if (_identity.Address is not null)
        {
            _log.Event("prefix", $"prefix ignored: the address is fixed by --address ({_identity.Address})");
            return Ignore(PrefixIgnored);
        }
        var address = _identity.WithPrefix(frame[2..10]);
        if (!address.Equals(Host.Global))
        {
            Host.Global = address;
            _log.Line($"prefix {new IPAddress([.. frame[2..10], 0, 0, 0, 0, 0, 0, 0, 0])}/64 received, address {address}");
        }
        return [];
    }

    // ?M: the host asks for the MAC address; the answer is !M + 16 hex digits (Contiki's slip-bridge).
    private IReadOnlyList<byte[]> Query(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 2 || frame[1] != 'M') return Ignore(UnknownCommand);
        return [Encoding.ASCII.GetBytes("!M" + Convert.ToHexStringLower(_identity.Mac.Bytes))];
    }

    private IReadOnlyList<byte[]> Answer(IpReply reply)
    {
        if (!reply.Answered) return Ignore(reply.Outcome);
        if (reply.Outcome is IpOutcome.Udp6Echo or IpOutcome.Udp4Echo) Counters.UdpEchoed();
        else Counters.EchoReplied();
        _log.Event("echo", $"{reply.Outcome} answered, to {Destination(reply.Packet!)}");
        return [reply.Packet!];
    }

    private IReadOnlyList<byte[]> Ignore(string reason, string detail = "")
    {
        Counters.Ignore(reason);
        _log.Event("ignored", $"frame ignored: {reason}{detail}");
        return [];
    }

    private static IPAddress Destination(byte[] packet) =>
        packet[0] >> 4 == 6 ? new IPAddress(packet.AsSpan(24, 16)) : new IPAddress(packet.AsSpan(16, 4));
}
