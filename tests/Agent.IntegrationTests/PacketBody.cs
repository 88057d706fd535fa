using System.Globalization;

namespace Agent.IntegrationTests;

/// <summary>A packet message's body as an agent publishes it, stamped now (never a whole second).</summary>
public static class PacketBody
{
    public static string Json(byte[] data, string interfaceName = "tun0") =>
        $$"""{"_api_version": "1.2.15", "data": [{{string.Join(", ", data)}}], "interface_name": "{{interfaceName}}", "timestamp": {{(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 + 0.0005).ToString("R", CultureInfo.InvariantCulture)}}}""";
}
