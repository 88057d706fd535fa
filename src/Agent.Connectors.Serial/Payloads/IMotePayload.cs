using Agent.Core.Drops;

namespace Agent.Connectors.Serial.Payloads;

/// <summary>
/// What travels inside the frames of a serial line (IP packets, 802.15.4 frames, OpenWSN typed frames), independent of
/// how they are framed (SLIP, HDLC): the two axes stay apart, so one more payload kind is one more class.
/// </summary>
public interface IMotePayload
{
    /// <summary>Handles one checked frame from the mote (on the reader thread; it never writes to the line itself).</summary>
    void FromMote(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> wire, IMoteLink link);

    /// <summary>Decides, cheaply and before it is queued, whether a frame from the bus goes down the line; null: it does.</summary>
    Drop? CheckDownlink(ReadOnlySpan<byte> frame);

    /// <summary>Turns an accepted downlink frame into the raw frames to send.</summary>
    MoteFrames ToMote(ReadOnlySpan<byte> frame) => MoteFrames.One(frame);

    /// <summary>How long to wait between the raw frames of one downlink frame.</summary>
    TimeSpan FrameSpacing => TimeSpan.Zero;

    /// <summary>Called each time the line has been (re)opened.</summary>
    void OnOpened(IMoteLink link)
    {
    }

    /// <summary>Called about once a second while the line runs (probes, retries, expiries).</summary>
    void OnTick(IMoteLink link)
    {
    }
}
