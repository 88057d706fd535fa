using System.Buffers;
using System.Text.Json;
using Field = Agent.Core.Protocol.PacketJson.Field;

namespace Agent.Core.Protocol;

/// <summary>
/// The body of a <c>*.packet.raw</c> message (PROTOCOL.md 3, 4): byte data as a JSON array of integers 0..255.
/// This is the hot path: a value, written and read by hand (<see cref="PacketJson"/>); a body not of the plain shape
/// every implementation sends is read by Utf8JsonReader.
/// </summary>
public readonly record struct PacketMessage(byte[] Data, string? InterfaceName, double? Timestamp, byte[]? DataSlip = null)
{
    /// <summary>
    /// The longest body an agent or the router reads: three times the longest IPv6 packet (65,575 bytes) written as
    /// loosely as any sender writes it ("255, " a byte). A longer one is refused unparsed: the client library has taken it
    /// in already, but parsing it no longer holds up the bodies behind it.
    /// </summary>
    public const int MaxBodyBytes = 1_048_576;

    /// <summary>Writes a packet body. <paramref name="integerTimestamp"/>: whole seconds, as the ioppytest router writes them.</summary>
    public static void Write(
        IBufferWriter<byte> output,
        ReadOnlySpan<byte> data,
        string interfaceName,
        DateTimeOffset timestamp,
        bool integerTimestamp = false,
        ReadOnlySpan<byte> dataSlip = default,
        bool withDataSlip = false) =>
        PacketJson.Write(output, data, interfaceName, timestamp, integerTimestamp, dataSlip, withDataSlip);

    /// <summary>
    /// Reads a packet body. Missing <c>data</c>, bytes outside 0..255 or broken JSON make it malformed, and so does a
    /// body that other readers could read otherwise: one of our fields twice (the first wins in some libraries, the last
    /// in others), or anything but whitespace after the object, or a body longer than <see cref="MaxBodyBytes"/>. Other
    /// fields are optional and unknown fields are ignored.
    /// </summary>
    /// <param name="maxBodyBytes">The longest body read; a capture, which records whatever is on the bus, reads any.</param>
    public static bool TryRead(ReadOnlySpan<byte> json, out PacketMessage message, out string error, int maxBodyBytes = MaxBodyBytes)
    {
        message = default;
        if (json.Length > maxBodyBytes)
        {
            error = $"a body of {json.Length} bytes, more than any packet's ({maxBodyBytes})";
            return false;
        }
        if (PacketJson.TryReadPlain(json, out var plainData, out var plainName, out var plainTimestamp, out var plainSlip))
        {
            message = new PacketMessage(plainData, plainName, plainTimestamp, plainSlip);
            error = "";
            return true;
        }
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "body is not a JSON object";
                return false;
            }
            byte[]? data = null, dataSlip = null;
            string? interfaceName = null;
            double? timestamp = null;
            var seen = Field.None;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = FieldAt(ref reader);
                if ((seen & field) != 0)
                {
                    error = $"malformed JSON: duplicate '{reader.GetString()}'";
                    return false;
                }
                seen |= field;
                reader.Read();
                switch (field)
                {
                    case Field.Data:
                        if (!TryReadBytes(ref reader, out data, out error)) return false;
                        break;
                    case Field.DataSlip:
                        if (!TryReadBytes(ref reader, out dataSlip, out _)) dataSlip = null;
                        break;
                    case Field.InterfaceName:
                        interfaceName = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        reader.Skip();
                        break;
                    case Field.Timestamp:
                        timestamp = reader.TokenType == JsonTokenType.Number ? reader.GetDouble() : null;
                        reader.Skip();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject)
            {
                error = "body is not a JSON object";
                return false;
            }
            if (json[(int)reader.BytesConsumed..].IndexOfAnyExcept(" \t\r\n"u8) >= 0)
            {
                error = "malformed JSON: bytes after the object";
                return false;
            }
            if (data is null)
            {
                error = "body has no 'data' array";
                return false;
            }
            message = new PacketMessage(data, interfaceName, timestamp, dataSlip);
            error = "";
            return true;
        }
        catch (JsonException e)
        {
            error = $"malformed JSON: {e.Message}";
            return false;
        }
    }

    /// <summary>Which of our fields the reader's property name is (none: one we ignore, duplicates too).</summary>
    private static Field FieldAt(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("data"u8) ? Field.Data
        : reader.ValueTextEquals("data_slip"u8) ? Field.DataSlip
        : reader.ValueTextEquals("interface_name"u8) ? Field.InterfaceName
        : reader.ValueTextEquals("timestamp"u8) ? Field.Timestamp
        : Field.None;

    private static bool TryReadBytes(ref Utf8JsonReader reader, out byte[]? bytes, out string error)
    {
        bytes = null;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            error = "'data' is not an array of integers 0..255";
            reader.Skip();
            return false;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(2048);
        var count = 0;
        try
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value) || value is < 0 or > 255)
                {
                    error = "'data' is not an array of integers 0..255";
                    return false;
                }
                if (count == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, count).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                buffer[count++] = (byte)value;
            }
            bytes = buffer.AsSpan(0, count).ToArray();
            error = "";
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
