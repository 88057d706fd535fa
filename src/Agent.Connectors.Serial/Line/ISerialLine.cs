using Agent.Core.Drops;

namespace Agent.Connectors.Serial.Line;

/// <summary>
/// A byte stream to a mote that can go away and come back: a serial device or a TCP stream. The framing and payload
/// above it cannot tell which.
/// </summary>
public interface ISerialLine
{
    /// <summary>What logs call it: <c>/dev/ttyUSB0</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Runs until cancelled: opens the line (waiting while it is absent), calls <paramref name="opened"/> after every
    /// (re)open and <paramref name="closed"/> once it is gone again, hands every chunk read to <paramref name="received"/>
    /// (on the reader thread), and reopens the line whenever it goes away.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">The line exists but may not be opened: waiting would not help.</exception>
    /// <exception cref="NotASerialDeviceException">What is there is no serial device: waiting would not help either.</exception>
    Task RunAsync(Action<ReadOnlySpan<byte>> received, Action opened, Action closed, CancellationToken cancellationToken);

    /// <summary>Writes bytes; null when written, else why not (the line is absent, or stayed paused too long).</summary>
    Drop? Write(ReadOnlySpan<byte> bytes);

    /// <summary>
    /// The mote said XOFF (<paramref name="resumed"/> false) or XON (true), with <c>--flow xonxoff</c>. A device's kernel
    /// already holds our output (termios IXON) and never shows us those bytes; a line without one holds its writes.
    /// </summary>
    void FlowChanged(bool resumed);
}
