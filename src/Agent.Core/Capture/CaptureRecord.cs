using Agent.Core.Protocol;

namespace Agent.Core.Capture;

/// <summary>
/// One packet as a capture file holds it: who sent it (the agent named in the routing key), its link type (from the
/// key's suffix), when it was captured, and its bytes.
/// </summary>
public sealed record CaptureRecord(string Agent, LinkType LinkType, DateTimeOffset Timestamp, byte[] Data, string? InterfaceName, string RoutingKey)
{
    // Classic pcap keeps seconds in 32 unsigned bits: a body timestamp outside that range is not a capture time.
    private const double LatestTimestamp = uint.MaxValue;

    /// <summary>
    /// Whether <paramref name="routingKey"/> is an agent's packet key (<c>fromAgent.&lt;name&gt;.….packet.raw</c>).
    /// Announcements, stats and other keys are not packets. <paramref name="linkType"/> is null for a packet key of an
    /// unknown kind.
    /// </summary>
    public static bool IsPacketKey(string routingKey, out string agent, out LinkType? linkType)
    {
        linkType = null;
        if (!Topics.TryParseFromAgent(routingKey, out agent, out var rest) || !rest.EndsWith(".packet.raw", StringComparison.Ordinal))
            return false;
        linkType = rest switch
        {
            Topics.IpPacketSuffix => LinkType.RawIp,
            Topics.SerialPacketSuffix => LinkType.Ieee802154NoFcs,
            _ => null,
        };
        return true;
    }

    /// <summary>
    /// Reads a packet body (PROTOCOL.md 3, 4) into a record. The capture time is the body's <c>timestamp</c> when it has
    /// sub-second precision (ours) and lies within a second of <paramref name="receivedAt"/>; otherwise the receive time,
    /// as the ioppytest sniffer stamps: the original agent sends whole seconds, which would put a request after its reply.
    /// </summary>
    public static bool TryParse(string routingKey, ReadOnlySpan<byte> body, DateTimeOffset receivedAt, out CaptureRecord? record, out string error)
    {
        record = null;
        if (!IsPacketKey(routingKey, out var agent, out var linkType) || linkType is null)
        {
            error = $"{routingKey} is not an IP or 802.15.4 packet key";
            return false;
        }
        // Any length: what is longer than any packet is cut to the snap length, and counted, when it is written.
        if (!PacketMessage.TryRead(body, out var message, out error, maxBodyBytes: int.MaxValue)) return false;
        record = new CaptureRecord(agent, linkType.Value, TimestampOf(message!.Timestamp, receivedAt), message.Data, message.InterfaceName, routingKey);
        return true;
    }

    private static DateTimeOffset TimestampOf(double? seconds, DateTimeOffset receivedAt)
    {
        if (seconds is not { } s || !double.IsFinite(s) || s <= 0 || s >= LatestTimestamp) return receivedAt;
        // Whole seconds and the fraction apart: s * 10^7 in one go would lose the last ticks to double rounding.
        var whole = Math.Floor(s);
        if (whole == s) return receivedAt;
        var stamped = DateTimeOffset.UnixEpoch.AddTicks((long)whole * TimeSpan.TicksPerSecond + (long)Math.Round((s - whole) * TimeSpan.TicksPerSecond));
        return (stamped - receivedAt).Duration() <= TimeSpan.FromSeconds(1) ? stamped : receivedAt;
    }

    /// <summary>This record, stamped no earlier than <paramref name="previous"/>: records in a capture never go backwards.</summary>
    public CaptureRecord NotBefore(DateTimeOffset previous) => Timestamp >= previous ? this : this with { Timestamp = previous };

    /// <summary>Microseconds since the Unix epoch, as pcap timestamps count them.</summary>
    public long UnixMicroseconds => Math.Max(0, (Timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond);
}
