using System.Text.Json.Nodes;

namespace Agent.Core.Protocol;

/// <summary>The body of <c>testingtool.component.ready</c> and <c>.shutdown</c> (PROTOCOL.md 3).</summary>
public sealed record ComponentMessage(string Component, string Description)
{
    public static ComponentMessage Ready(string component) => new(component, "Component READY to start test suite.");

    public static ComponentMessage Shutdown(string component) => new(component, "Component shutting down.");

    public byte[] ToJson()
    {
        var body = Wire.NewBody();
        body["component"] = Component;
        body["description"] = Description;
        return Wire.ToBytes(body);
    }

    public static ComponentMessage? TryParse(ReadOnlySpan<byte> json) =>
        Wire.TryParseObject(json) is { } body
            ? new ComponentMessage(Wire.Text(body, "component") ?? "", Wire.Text(body, "description") ?? "")
            : null;
}
