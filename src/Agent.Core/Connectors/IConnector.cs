using System.Threading.Channels;
using Agent.Core.Drops;

namespace Agent.Core.Connectors;

/// <summary>
/// The seam between a device and the relay: whole frames in, whole frames out (DESIGN.md). Each implementation owns
/// its device and its recovery; the relay cannot tell a TUN from a mote, and tests hand it an in-memory connector.
/// </summary>
public interface IConnector : IAsyncDisposable
{
    /// <summary>What logs call the device: <c>tun0</c>, <c>/dev/ttyUSB0</c>.</summary>
    string Name { get; }

    /// <summary>What goes into <c>interface_name</c>: the OS interface name, or "serial".</summary>
    string InterfaceName { get; }

    /// <summary>Frames read from the device, in arrival order. Completes when the connector is disposed.</summary>
    ChannelReader<Frame> Frames { get; }

    /// <summary>
    /// Runs the device until cancelled: opens it (or waits for it), reads it into <see cref="Frames"/>, and recovers
    /// when it goes away. Ends with an exception only for a failure that waiting cannot mend (no permission).
    /// </summary>
    Task RunAsync(IConnectorHost host, CancellationToken cancellationToken);

    /// <summary>Decides, cheaply and before it is queued, whether a frame from the bus may go to the device; null: it may.</summary>
    Drop? CheckDownlink(ReadOnlySpan<byte> frame);

    /// <summary>
    /// Writes one frame to the device; called by one writer at a time. Returns null when it was written, else why not
    /// (the caller counts and logs it): the device refused it, or is absent. Never throws for one frame.
    /// </summary>
    ValueTask<Drop?> WriteAsync(Outbound frame, CancellationToken cancellationToken);
}
