using Agent.Framing;

namespace FirmwareSim.Stack;

/// <summary>
/// The mote's firmware above the framing: takes the payload of one frame from the host and returns the payloads
/// of the frames to send back. Not thread-safe; the caller serialises <see cref="Receive"/> and <see cref="Poll"/>.
/// </summary>
public interface IMoteStack
{
    MoteCounters Counters { get; }

    /// <summary>Handles one frame's payload; returns the payloads of the answers (often none).</summary>
    IReadOnlyList<byte[]> Receive(ReadOnlySpan<byte> frame);

    /// <summary>Frames the mote sends of its own accord (prefix requests, text lines) whose time has come.</summary>
    IReadOnlyList<byte[]> Poll();

    /// <summary>What the mote says when the framing drops bytes from the host (most motes say nothing).</summary>
    IReadOnlyList<byte[]> Undecodable(FrameError error) => [];
}
