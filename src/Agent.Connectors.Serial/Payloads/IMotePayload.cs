using Agent.Core.Relay;

namespace Agent.Connectors.Serial.Payloads;

/// <summary>
/// What travels inside the frames of a serial line (IP packets, 802.15.4 frames ...), independent of how they are
/// framed (SLIP, HDLC): the two axes stay apart, so one more payload kind is one more class.
/// </summary>
public interface IMotePayload
{
    /// <summary>Handles one checked frame from the mote.</summary>
    void FromMote(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> wire, IMoteLink link);

    /// <summary>Decides whether a frame from the bus goes down the line.</summary>
    FrameVerdict CheckDownlink(ReadOnlySpan<byte> frame);
}
