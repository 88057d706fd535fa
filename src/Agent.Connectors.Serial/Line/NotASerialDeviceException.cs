namespace Agent.Connectors.Serial.Line;

/// <summary>
/// The path names something that is there but is no serial device (a directory, a regular file, /dev/null): unlike a
/// device not plugged in yet, waiting would not help. The message is one line for the user.
/// </summary>
public sealed class NotASerialDeviceException(string path, string reason)
    : Exception($"{path} is not a serial device ({reason}); give the mote's port, e.g. /dev/ttyUSB0")
{
    public string Path { get; } = path;
}
