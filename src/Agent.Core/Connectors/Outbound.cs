namespace Agent.Core.Connectors;

/// <summary>
/// One frame on its way to a device through the one write path (the relay's bounded queue, in order). Most are
/// packets from the bus, or that the device sent back to itself (mote to mote); a <see cref="Control"/> frame is one of
/// the device's own protocol (a reply to a mote's query, a probe), written as it is and not counted as traffic.
/// </summary>
public readonly record struct Outbound(byte[] Data, bool Control = false);
