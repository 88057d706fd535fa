namespace FirmwareSim.Uart;

/// <summary>
/// Where the mote's UART meets the host: a pseudo-terminal behind a link, or a TCP listener (as a testbed's serial
/// server). The mote reads what the host sends and writes without blocking; what nobody takes is lost.
/// </summary>
public interface IMotePort : IUartPort, IDisposable
{
    /// <summary>What the start line calls it: <c>/dev/pts/5 (link /tmp/mote0)</c>, <c>tcp://127.0.0.1:26001 ...</c>.</summary>
    string Description { get; }

    /// <summary>Bytes the host did not take (nobody had the port open, or it did not read), thrown away as a UART overrun would.</summary>
    long DiscardedBytes { get; }

    /// <summary>Blocks until bytes come from the host; returns how many, or 0 once <see cref="Interrupt"/> was called.</summary>
    int Read(Span<byte> buffer);

    /// <summary>Wakes a blocked <see cref="Read"/>, which then returns 0 (and keeps doing so).</summary>
    void Interrupt();
}
