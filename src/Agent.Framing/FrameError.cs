namespace Agent.Framing;

/// <summary>Why a decoder dropped the bytes of a frame (PROTOCOL.md 8); the agent counts each under its own name.</summary>
public enum FrameError
{
    /// <summary>An escape byte followed by a byte that may not follow it.</summary>
    BadEscape,

    /// <summary>An HDLC frame whose FCS-16 does not check.</summary>
    BadFcs,

    /// <summary>A frame longer than the decoder's limit.</summary>
    Oversize,
}
