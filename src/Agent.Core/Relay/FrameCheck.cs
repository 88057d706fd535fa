namespace Agent.Core.Relay;

/// <summary>Decides whether a downlink frame may be written to the device; <paramref name="reason"/> says why not.</summary>
public delegate bool FrameCheck(ReadOnlySpan<byte> frame, out string reason);
