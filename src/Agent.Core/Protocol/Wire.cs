using System.Text.Json;
using System.Text.Json.Nodes;

namespace Agent.Core.Protocol;

/// <summary>Facts and small helpers shared by every body on the bus (PROTOCOL.md 1).</summary>
public static class Wire
{
    /// <summary>What the current backend library writes; nobody validates it.</summary>
    public const string ApiVersion = "1.2.15";

    public const string ContentType = "application/json";

    public const string ContentEncoding = "utf-8";

    /// <summary>A new body object with the api version first, as every body carries it.</summary>
    public static JsonObject NewBody() => new() { ["_api_version"] = ApiVersion };

    /// <summary>A control body's bytes; JsonNode.WriteTo needs no reflection, so this holds under Native AOT too.</summary>
    public static byte[] ToBytes(JsonObject body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer)) body.WriteTo(writer);
        return buffer.WrittenSpan.ToArray();
    }

    // A body with a field twice reads differently in every library (the first wins here, the last there): refused.
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    /// <summary>Parses a control body; null when it is not one JSON object (a field twice, bytes after it).</summary>
    public static JsonObject? TryParseObject(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonNode.Parse(json, documentOptions: Strict) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// A field as text, tolerant of the shapes old senders used: strings, numbers, and IPv4 values as lists of 4 ints.
    /// Null, missing or anything else gives null.
    /// </summary>
    public static string? Text(JsonObject body, string field)
    {
        var node = body[field];
        switch (node)
        {
            case JsonValue value when value.TryGetValue<string>(out var s):
                return s;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                return value.ToJsonString();
            case JsonArray list when list.Count == 4 && list.All(n => n is JsonValue v && v.TryGetValue<int>(out var i) && i is >= 0 and <= 255):
                return string.Join('.', list.Select(n => n!.GetValue<int>()));
            default:
                return null;
        }
    }

    public static bool? Bool(JsonObject body, string field) =>
        body[field] is JsonValue value && value.TryGetValue<bool>(out var b) ? b : null;

    public static long? Integer(JsonObject body, string field) =>
        body[field] is JsonValue value && value.TryGetValue<long>(out var n) ? n
        : body[field] is JsonValue d && d.TryGetValue<double>(out var x) && x == Math.Floor(x) ? (long)x
        : null;
}
