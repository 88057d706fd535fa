namespace Agent.Framing;

/// <summary>Receives what a decoder finds in the byte stream. Spans are valid only during the call.</summary>
public interface IFrameSink
{
    /// <summary>One complete, checked frame: its payload, and the bytes as read off the wire (framing included).</summary>
    void OnFrame(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> wire);

    /// <summary>A frame was dropped, and why.</summary>
    void OnDrop(FrameError error);
}
