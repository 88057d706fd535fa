namespace Agent.Core.Connectors;

/// <summary>One whole frame read from a device (for IP connectors: one IP packet), with the time it was read.</summary>
public readonly record struct Frame(byte[] Data, DateTimeOffset CapturedAt);
