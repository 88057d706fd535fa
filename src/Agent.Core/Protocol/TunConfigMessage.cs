using System.Text.Json.Nodes;

namespace Agent.Core.Protocol;

/// <summary>
/// The body of <c>ip.tun.start</c> (backend to agent) and <c>ip.tun.started</c> (agent to backend): both carry
/// the same fields (PROTOCOL.md 3.1, 3.2). Every field is optional on input; every field is written on output,
/// the union of both historical shapes.
/// </summary>
public sealed record TunConfigMessage(
    string? Name = null,
    string? Ipv6Prefix = null,
    string? Ipv6Host = null,
    bool? Ipv6NoForwarding = null,
    string? Ipv4Address = null,
    string? Ipv4Host = null,
    string? Ipv4Network = null,
    string? Ipv4Netmask = null,
    string? ReRoutePacketsIf = null,
    string? ReRoutePacketsPrefix = null,
    string? ReRoutePacketsHost = null)
{
    public static TunConfigMessage? TryParse(ReadOnlySpan<byte> json) => Wire.TryParseObject(json) is { } body ? From(body) : null;

    /// <summary>The fields of a body already parsed.</summary>
    public static TunConfigMessage From(JsonObject body) =>
        new(
            Wire.Text(body, "name"),
            Wire.Text(body, "ipv6_prefix"),
            Wire.Text(body, "ipv6_host"),
            Wire.Bool(body, "ipv6_no_forwarding"),
            Wire.Text(body, "ipv4_address"),
            Wire.Text(body, "ipv4_host"),
            Wire.Text(body, "ipv4_network"),
            Wire.Text(body, "ipv4_netmask"),
            Wire.Text(body, "re_route_packets_if"),
            Wire.Text(body, "re_route_packets_prefix"),
            Wire.Text(body, "re_route_packets_host"));

    public byte[] ToJson()
    {
        var body = Wire.NewBody();
        body["name"] = Name;
        body["ipv6_prefix"] = Ipv6Prefix;
        body["ipv6_host"] = Ipv6Host;
        body["ipv6_no_forwarding"] = Ipv6NoForwarding ?? false;
        body["ipv4_address"] = Ipv4Address;
        body["ipv4_host"] = Ipv4Host;
        body["ipv4_network"] = Ipv4Network;
        body["ipv4_netmask"] = Ipv4Netmask;
        body["re_route_packets_if"] = ReRoutePacketsIf;
        body["re_route_packets_prefix"] = ReRoutePacketsPrefix;
        body["re_route_packets_host"] = ReRoutePacketsHost;
        return Wire.ToBytes(body);
    }
}
