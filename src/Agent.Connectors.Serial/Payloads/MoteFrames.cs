namespace Agent.Connectors.Serial.Payloads;

/// <summary>
/// The raw frames that carry one downlink packet to the mote, in order (one for IP and 802.15.4; a datagram's
/// fragments for OpenWSN), or why it cannot go.
/// </summary>
public sealed record MoteFrames(IReadOnlyList<byte[]> Frames, string? DropReason = null, string Detail = "")
{
    public static MoteFrames One(ReadOnlySpan<byte> frame) => new([frame.ToArray()]);

    public static MoteFrames Drop(string reason, string detail) => new([], reason, detail);
}
