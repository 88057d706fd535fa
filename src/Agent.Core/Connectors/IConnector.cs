using System.Threading.Channels;

namespace Agent.Core.Connectors;

/// <summary>
/// The seam between a device and the relay: whole frames in, whole frames out.
/// Each implementation owns its device and its recovery; the relay cannot tell a TUN from a mote.
/// </summary>
public interface IConnector : IAsyncDisposable
{
    /// <summary>What goes into <c>interface_name</c>: the OS interface name, or "serial".</summary>
    string InterfaceName { get; }

    /// <summary>Frames read from the device, in arrival order. Completes when the connector is disposed.</summary>
    ChannelReader<Frame> Frames { get; }

    /// <summary>
    /// Writes one whole frame to the device. Returns null when it was written, else why not, as a
    /// <see cref="Relay.DropReasons"/> name (the caller counts the drop): the device refused it, or is absent.
    /// </summary>
    ValueTask<string?> WriteAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken);
}
