namespace Agent.Framing.Telnet;

/// <summary>Writes a telnet stream: data with every 0xFF doubled, negotiations and subnegotiations.</summary>
public static class TelnetEncoder
{
    /// <summary>The most bytes <see cref="Escape"/> can write for <paramref name="length"/> data bytes.</summary>
    public static int MaxEscapedLength(int length) => 2 * length;

    /// <summary>Writes <paramref name="data"/> with every 0xFF doubled; returns how many bytes were written.</summary>
    public static int Escape(ReadOnlySpan<byte> data, Span<byte> output)
    {
        var n = 0;
        while (true)
        {
            var i = data.IndexOf(TelnetCodes.Iac);
            if (i < 0)
            {
                data.CopyTo(output[n..]);
                return n + data.Length;
            }
            data[..(i + 1)].CopyTo(output[n..]);
            n += i + 1;
            output[n++] = TelnetCodes.Iac;
            data = data[(i + 1)..];
        }
    }

    /// <summary><c>IAC verb option</c>.</summary>
    public static byte[] Negotiation(byte verb, byte option) => [TelnetCodes.Iac, verb, option];

    /// <summary><c>IAC SB option value IAC SE</c>, with 0xFF doubled inside the value.</summary>
    public static byte[] Subnegotiation(byte option, ReadOnlySpan<byte> value)
    {
        var message = new byte[5 + MaxEscapedLength(value.Length)];
        message[0] = TelnetCodes.Iac;
        message[1] = TelnetCodes.Sb;
        message[2] = option;
        var n = 3 + Escape(value, message.AsSpan(3));
        message[n++] = TelnetCodes.Iac;
        message[n++] = TelnetCodes.Se;
        return message[..n];
    }
}
