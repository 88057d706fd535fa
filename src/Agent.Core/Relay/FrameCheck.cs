namespace Agent.Core.Relay;

/// <summary>Decides whether a downlink frame may be written to the device.</summary>
public delegate FrameVerdict FrameCheck(ReadOnlySpan<byte> frame);
