namespace FirmwareSim.Uart;

/// <summary>Where a paced UART's bytes go (the pseudo-terminal's master end).</summary>
public interface IUartPort
{
    /// <summary>Writes without blocking; what cannot be delivered is lost, as on a real line.</summary>
    void Write(ReadOnlySpan<byte> bytes);
}
