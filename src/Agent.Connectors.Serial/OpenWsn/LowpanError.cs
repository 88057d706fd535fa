namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>Why <see cref="LowpanDecoder"/> refused a datagram.</summary>
/// <param name="Reason">One of <see cref="OpenWsnDropReasons"/>, for counting.</param>
/// <param name="Detail">What exactly, for the log.</param>
public readonly record struct LowpanError(string Reason, string Detail)
{
    public override string ToString() => $"{Reason}: {Detail}";
}
