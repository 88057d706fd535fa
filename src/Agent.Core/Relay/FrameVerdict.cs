using Agent.Core.Packets;

namespace Agent.Core.Relay;

/// <summary>
/// What a <see cref="FrameCheck"/> decided: accept, or drop for a <see cref="DropReasons"/> reason. A quiet drop is
/// counted but logged at debug level only (expected traffic, such as hub-routed packets meant for another agent).
/// </summary>
public readonly record struct FrameVerdict(string? DropReason, string Detail = "", bool Quiet = false)
{
    public static readonly FrameVerdict Accept = default;

    public bool Accepted => DropReason is null;

    public static FrameVerdict Drop(string reason, string detail, bool quiet = false) => new(reason, detail, quiet);

    /// <summary>Accepts one well-formed IP packet (PROTOCOL.md 3).</summary>
    public static FrameVerdict IpPacketCheck(ReadOnlySpan<byte> frame) =>
        IpPacket.IsWellFormed(frame, out var reason) ? Accept : Drop(DropReasons.NotIpPacket, reason);
}
