namespace Agent.Core.Connectors;

/// <summary>
/// One whole frame read from a device (for IP connectors: one IP packet), with the time it was read and, where the
/// bus carries them (802.15.4 over serial: <c>data_slip</c>), the bytes as read off the wire, framing included.
/// </summary>
public readonly record struct Frame(byte[] Data, DateTimeOffset CapturedAt, byte[]? Wire = null);
