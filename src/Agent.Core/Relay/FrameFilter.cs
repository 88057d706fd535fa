using Agent.Core.Drops;

namespace Agent.Core.Relay;

/// <summary>Whether a frame may pass; null: it may, else why not.</summary>
public delegate Drop? FrameFilter(ReadOnlySpan<byte> frame);
