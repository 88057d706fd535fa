using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Agent.Core.Protocol;

/// <summary>
/// A packet body's hot path by hand (issue 11). Writing gives byte for byte what <see cref="Utf8JsonWriter"/> gave.
/// Reading takes the plain shape every implementation sends (each of our fields once, byte arrays of plain integers,
/// strings without escapes, no comments) and says "not plain" for anything else, which the general reader then
/// decides, so that what is accepted, and how, does not change. Neither allocates but for the packet's bytes.
/// </summary>
internal static class PacketJson
{
    private static readonly byte[] ApiVersion = JsonEncodedText.Encode(Wire.ApiVersion).EncodedUtf8Bytes.ToArray();

    // Per byte value: its decimal digits and a comma, little-endian in a uint, and how many of those bytes count.
    private static readonly uint[] DigitsAndComma = new uint[256];
    private static readonly byte[] DigitsAndCommaLength = new byte[256];

    // The last interface names written (with their JSON encoding) and read (with their bytes): the same few come every time.
    private static readonly Name?[] Written = new Name?[16];
    private static readonly Name?[] Read = new Name?[16];

    private sealed record Name(string Text, byte[] Utf8);

    static PacketJson()
    {
        for (var b = 0; b < 256; b++)
        {
            var text = b.ToString(CultureInfo.InvariantCulture) + ",";
            uint packed = 0;
            for (var i = text.Length - 1; i >= 0; i--) packed = packed << 8 | text[i];
            DigitsAndComma[b] = packed;
            DigitsAndCommaLength[b] = (byte)text.Length;
        }
    }

    /// <summary>The most a body can take: four bytes per data byte ("255,"), the name escaped, and the rest.</summary>
    private static int MaxLength(int data, int dataSlip, int name) => 4 * (data + dataSlip) + name + 128;

    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> data, string interfaceName, DateTimeOffset timestamp,
        bool integerTimestamp, ReadOnlySpan<byte> dataSlip, bool withDataSlip)
    {
        var name = Encoded(interfaceName);
        var span = output.GetSpan(MaxLength(data.Length, dataSlip.Length, name.Length));
        var n = 0;
        Append(span, ref n, "{\"_api_version\":\""u8);
        Append(span, ref n, ApiVersion);
        Append(span, ref n, "\",\"data\":"u8);
        AppendBytes(span, ref n, data);
        if (withDataSlip)
        {
            Append(span, ref n, ",\"data_slip\":"u8);
            AppendBytes(span, ref n, dataSlip);
        }
        Append(span, ref n, ",\"interface_name\":\""u8);
        Append(span, ref n, name);
        Append(span, ref n, "\",\"timestamp\":"u8);
        int written;
        if (integerTimestamp) Utf8Formatter.TryFormat(timestamp.ToUnixTimeSeconds(), span[n..], out written);
        else Utf8Formatter.TryFormat(Math.Round(timestamp.ToUnixTimeMilliseconds() / 1000.0, 3), span[n..], out written);
        n += written;
        span[n++] = (byte)'}';
        output.Advance(n);
    }

    private static void Append(Span<byte> span, ref int n, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(span[n..]);
        n += bytes.Length;
    }

    private static void AppendBytes(Span<byte> span, ref int n, ReadOnlySpan<byte> bytes)
    {
        span[n++] = (byte)'[';
        ref var start = ref span[0];
        foreach (var b in bytes)
        {
            // Four bytes written, as many kept; MaxLength leaves room for the last one's overhang.
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref start, n), DigitsAndComma[b]);
            n += DigitsAndCommaLength[b];
        }
        if (!bytes.IsEmpty) n--; // the last comma
        span[n++] = (byte)']';
    }

    private static byte[] Encoded(string interfaceName)
    {
        var slot = (interfaceName.GetHashCode() & 0x7fffffff) % Written.Length;
        if (Written[slot] is { } known && known.Text == interfaceName) return known.Utf8;
        var utf8 = JsonEncodedText.Encode(interfaceName).EncodedUtf8Bytes.ToArray();
        Written[slot] = new Name(interfaceName, utf8);
        return utf8;
    }

    private static string Decoded(ReadOnlySpan<byte> utf8)
    {
        var slot = (utf8.Length * 31 + (utf8.IsEmpty ? 0 : utf8[^1] * 7 + utf8[0])) % Read.Length;
        if (Read[slot] is { } known && utf8.SequenceEqual(known.Utf8)) return known.Text;
        var text = System.Text.Encoding.ASCII.GetString(utf8); // plain: printable ASCII only
        Read[slot] = new Name(text, utf8.ToArray());
        return text;
    }

    /// <summary>Our fields of a packet body, as flags: which were seen.</summary>
    [Flags]
    internal enum Field
    {
        None = 0,
        Data = 1,
        DataSlip = 2,
        InterfaceName = 4,
        Timestamp = 8,
    }

    /// <summary>
    /// Reads a body of the plain shape; false when it is not plain (not when it is bad): the general reader decides.
    /// </summary>
    public static bool TryReadPlain(ReadOnlySpan<byte> json, out byte[] data, out string? interfaceName, out double? timestamp,
        out byte[]? dataSlip)
    {
        data = [];
        interfaceName = null;
        timestamp = null;
        dataSlip = null;
        byte[]? packet = null;
        var i = SkipSpace(json, 0);
        if (!At(json, i, '{')) return false;
        i = SkipSpace(json, i + 1);
        var seen = Field.None;
        while (true)
        {
            if (!TryReadString(json, ref i, out var name)) return false;
            i = SkipSpace(json, i);
            if (!At(json, i, ':')) return false;
            i = SkipSpace(json, i + 1);
            var field = FieldNamed(name);
            if ((seen & field) != 0) return false;
            seen |= field;
            switch (field)
            {
                case Field.Data:
                    if (!TryReadBytes(json, ref i, out packet)) return false;
                    break;
                case Field.DataSlip:
                    if (!TryReadBytes(json, ref i, out dataSlip)) return false;
                    break;
                case Field.InterfaceName:
                    if (TryReadString(json, ref i, out var text)) interfaceName = Decoded(text);
                    else if (!TryReadLiteral(json, ref i, "null"u8)) return false;
                    break;
                case Field.Timestamp:
                    if (TryReadNumber(json, ref i, out var number)) timestamp = number;
                    else if (!TryReadLiteral(json, ref i, "null"u8)) return false;
                    break;
                default:
                    if (!TryReadString(json, ref i, out _) && !TryReadNumber(json, ref i, out _) && !TryReadLiteral(json, ref i, "null"u8)
                        && !TryReadLiteral(json, ref i, "true"u8) && !TryReadLiteral(json, ref i, "false"u8))
                        return false;
                    break;
            }
            i = SkipSpace(json, i);
            if (At(json, i, ',')) i = SkipSpace(json, i + 1);
            else if (At(json, i, '}')) break;
            else return false;
        }
        if (SkipSpace(json, i + 1) != json.Length || packet is null) return false;
        data = packet;
        return true;
    }

    private static Field FieldNamed(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("data"u8) ? Field.Data
        : name.SequenceEqual("data_slip"u8) ? Field.DataSlip
        : name.SequenceEqual("interface_name"u8) ? Field.InterfaceName
        : name.SequenceEqual("timestamp"u8) ? Field.Timestamp
        : Field.None;

    private static bool At(ReadOnlySpan<byte> json, int i, char c) => i < json.Length && json[i] == c;

    private static int SkipSpace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') i++;
        return i;
    }

    /// <summary>A string of printable ASCII without escapes.</summary>
    private static bool TryReadString(ReadOnlySpan<byte> json, ref int i, out ReadOnlySpan<byte> text)
    {
        text = default;
        if (!At(json, i, '"')) return false;
        var length = json[(i + 1)..].IndexOf((byte)'"');
        if (length < 0) return false;
        var content = json.Slice(i + 1, length);
        if (content.ContainsAnyExceptInRange((byte)0x20, (byte)0x7e) || content.Contains((byte)'\\')) return false;
        text = content;
        i += length + 2;
        return true;
    }

    private static bool TryReadLiteral(ReadOnlySpan<byte> json, ref int i, ReadOnlySpan<byte> literal)
    {
        if (!json[i..].StartsWith(literal) || !EndsToken(json, i + literal.Length)) return false;
        i += literal.Length;
        return true;
    }

    /// <summary>What may follow a value: space, a separator, or the end.</summary>
    private static bool EndsToken(ReadOnlySpan<byte> json, int i) =>
        i == json.Length || json[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)',' or (byte)'}' or (byte)']';

    /// <summary>A JSON number (RFC 8259 grammar), read as Utf8JsonReader reads it; finite only.</summary>
    private static bool TryReadNumber(ReadOnlySpan<byte> json, ref int i, out double value)
    {
        value = 0;
        var j = i;
        if (At(json, j, '-')) j++;
        if (At(json, j, '0')) j++;
        else if (j < json.Length && json[j] is >= (byte)'1' and <= (byte)'9') j = Digits(json, j);
        else return false;
        if (At(json, j, '.'))
        {
            var fraction = Digits(json, j + 1);
            if (fraction == j + 1) return false;
            j = fraction;
        }
        if (At(json, j, 'e') || At(json, j, 'E'))
        {
            j++;
            if (At(json, j, '+') || At(json, j, '-')) j++;
            var exponent = Digits(json, j);
            if (exponent == j) return false;
            j = exponent;
        }
        if (!EndsToken(json, j)) return false;
        var token = json[i..j];
        if (!Utf8Parser.TryParse(token, out value, out var consumed) || consumed != token.Length || !double.IsFinite(value)) return false;
        i = j;
        return true;
    }

    private static int Digits(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is >= (byte)'0' and <= (byte)'9') i++;
        return i;
    }

    /// <summary>An array of integers 0..255 written plainly (no sign, fraction, exponent or leading zero).</summary>
    private static bool TryReadBytes(ReadOnlySpan<byte> json, ref int i, out byte[]? bytes)
    {
        bytes = null;
        if (!At(json, i, '[')) return false;
        var j = SkipSpace(json, i + 1);
        // At most one byte per two characters of body ("1,"): a buffer that size never overflows.
        var buffer = ArrayPool<byte>.Shared.Rent(json.Length / 2 + 1);
        try
        {
            var count = 0;
            if (At(json, j, ']'))
            {
                bytes = [];
                i = j + 1;
                return true;
            }
            while (true)
            {
                if (j >= json.Length) return false;
                int value = json[j] - '0';
                if ((uint)value > 9) return false;
                j++;
                if (value != 0)
                {
                    for (var digits = 1; digits < 3 && j < json.Length && json[j] - '0' is var d and >= 0 and <= 9; digits++, j++)
                        value = value * 10 + d;
                    if (value > 255) return false;
                }
                if (j < json.Length && json[j] is >= (byte)'0' and <= (byte)'9' or (byte)'.' or (byte)'e' or (byte)'E') return false;
                buffer[count++] = (byte)value;
                j = SkipSpace(json, j);
                if (At(json, j, ',')) j = SkipSpace(json, j + 1);
                else if (At(json, j, ']')) break;
                else return false;
            }
            bytes = buffer.AsSpan(0, count).ToArray();
            i = j + 1;
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
