namespace Agent.Core.Protocol;

/// <summary>
/// The body of <c>802154.serial.started</c> and <c>.serial.start</c> (PROTOCOL.md 4). The original misspelt the
/// baud rate <c>boudrate</c>; both spellings are written, either is read.
/// </summary>
public sealed record SerialStartedMessage(string? Name, string? Port, long? Baudrate)
{
    public byte[] ToJson()
    {
        var body = Wire.NewBody();
        body["name"] = Name;
        body["port"] = Port;
        body["boudrate"] = Baudrate;
        body["baudrate"] = Baudrate;
        return Wire.ToBytes(body);
    }

    public static SerialStartedMessage? TryParse(ReadOnlySpan<byte> json) =>
        Wire.TryParseObject(json) is { } body
            ? new SerialStartedMessage(Wire.Text(body, "name"), Wire.Text(body, "port"),
                Wire.Integer(body, "boudrate") ?? Wire.Integer(body, "baudrate"))
            : null;
}
