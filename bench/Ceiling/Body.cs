using System.Buffers;
using System.Text.Json;

namespace Ceiling;

/// <summary>
/// Our packet body (PROTOCOL.md 3): {"_api_version": "1.2.15", "data": [ints], "interface_name": ..., "timestamp": ...},
/// written and read with Utf8JsonWriter/Reader and nothing else.
/// </summary>
internal static class Body
{
    /// <summary>Writes a body; <paramref name="wholeSeconds"/> as the ioppytest router stamps what it forwards.</summary>
    public static void Write(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> data, ReadOnlySpan<byte> interfaceName, bool wholeSeconds)
    {
        output.ResetWrittenCount();
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        json.WriteStartObject();
        json.WriteString("_api_version"u8, "1.2.15"u8);
        json.WriteStartArray("data"u8);
        foreach (var b in data) json.WriteNumberValue(b);
        json.WriteEndArray();
        json.WriteString("interface_name"u8, interfaceName);
        var now = DateTimeOffset.UtcNow;
        json.WritePropertyName("timestamp"u8);
        if (wholeSeconds) json.WriteNumberValue(now.ToUnixTimeSeconds());
        else json.WriteNumberValue(Math.Round(now.ToUnixTimeMilliseconds() / 1000.0, 3));
        json.WriteEndObject();
    }

    /// <summary>
    /// Reads "data" into <paramref name="data"/> and "interface_name" into <paramref name="interfaceName"/>; their lengths,
    /// or -1 for a body without a well-formed data array.
    /// </summary>
    public static int Read(ReadOnlySpan<byte> body, Span<byte> data, Span<byte> interfaceName, out int interfaceNameLength)
    {
        interfaceNameLength = 0;
        var length = -1;
        var json = new Utf8JsonReader(body);
        if (!json.Read() || json.TokenType != JsonTokenType.StartObject) return -1;
        while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
        {
            if (json.ValueTextEquals("data"u8))
            {
                if (!json.Read() || json.TokenType != JsonTokenType.StartArray) return -1;
                length = 0;
                while (json.Read() && json.TokenType == JsonTokenType.Number)
                {
                    if (length == data.Length || !json.TryGetByte(out data[length++])) return -1;
                }
            }
            else
            {
                var isName = json.ValueTextEquals("interface_name"u8);
                json.Read();
                if (isName && json.TokenType == JsonTokenType.String && json.ValueSpan.Length <= interfaceName.Length)
                    interfaceNameLength = json.CopyString(interfaceName);
                else json.Skip();
            }
        }
        return length;
    }
}
