namespace Agent.Core.Protocol;

/// <summary><c>routing.lossy.link.start</c>: the router drops the next N packets (PROTOCOL.md 6).</summary>
public sealed record LossyLinkStart(long NumberOfPacketsToDrop)
{
    public static LossyLinkStart? TryParse(ReadOnlySpan<byte> json) =>
        Wire.TryParseObject(json) is { } body && Wire.Integer(body, "number_of_packets_to_drop") is { } n && n >= 0
            ? new LossyLinkStart(n)
            : null;

    public byte[] ToJson()
    {
        var body = Wire.NewBody();
        body["number_of_packets_to_drop"] = NumberOfPacketsToDrop;
        return Wire.ToBytes(body);
    }
}
