using Agent.Core.Drops;

namespace Agent.Connectors.Serial.Payloads;

/// <summary>
/// The raw frames that carry one downlink packet to the mote, in order (one for IP and 802.15.4; a datagram's
/// fragments for OpenWSN), or why it cannot go.
/// </summary>
public sealed record MoteFrames(IReadOnlyList<byte[]> Frames, Drop? Refusal = null)
{
    public static MoteFrames One(ReadOnlySpan<byte> frame) => new([frame.ToArray()]);

    public static MoteFrames Refuse(Drop refusal) => new([], refusal);
}
