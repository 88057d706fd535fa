namespace FirmwareSim.Stack;

/// <summary>What a mote has done since it booted. Not thread-safe: its stack's owner serialises access.</summary>
public sealed class MoteCounters
{
    private readonly Dictionary<string, long> _ignored = new(StringComparer.Ordinal);

    public long FramesReceived { get; private set; }

    /// <summary>ICMPv6 and ICMP echo replies sent.</summary>
    public long EchoReplies { get; private set; }

    /// <summary>UDP datagrams echoed (port 7), IPv6 and IPv4.</summary>
    public long UdpEchoes { get; private set; }

    /// <summary>Frames received and not answered (anything the mote does not understand or that is not for it).</summary>
    public long Ignored => _ignored.Values.Sum();

    public IReadOnlyDictionary<string, long> IgnoredByReason => _ignored;

    public void Received() => FramesReceived++;

    public void EchoReplied() => EchoReplies++;

    public void UdpEchoed() => UdpEchoes++;

    public void Ignore(string reason) => _ignored[reason] = _ignored.GetValueOrDefault(reason) + 1;
}
