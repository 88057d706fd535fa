namespace Agent.Framing.Telnet;

/// <summary>
/// Splits a telnet stream into data and commands: <c>IAC IAC</c> is a data byte 0xFF, negotiations and
/// subnegotiations go to an <see cref="ITelnetSink"/>, other commands (NOP, GA ...) are skipped. Chunks may split
/// anything anywhere. No NVT translation: CR NUL stays as it is, as ser2net sends it (BINARY is asked for anyway).
/// </summary>
public sealed class TelnetDecoder
{
    /// <summary>Longer subnegotiations are cut here: RFC 2217's longest value is a signature text.</summary>
    public const int MaxSubnegotiation = 256;

    private readonly byte[] _sub = new byte[MaxSubnegotiation];
    private State _state;
    private byte _verb;
    private int _subLength;

    private enum State
    {
        Data,
        Iac,
        Option,
        SubOption,
        Sub,
        SubIac,
    }

    /// <summary>
    /// Writes the data bytes of <paramref name="input"/> to <paramref name="output"/>, which must be at least as long
    /// as the input and may be the same memory; returns how many were written. Commands go to <paramref name="sink"/>
    /// as they are met.
    /// </summary>
    public int Decode(ReadOnlySpan<byte> input, Span<byte> output, ITelnetSink sink)
    {
        if (output.Length < input.Length)
            throw new ArgumentException("The output is shorter than the input.", nameof(output));
        var n = 0;
        var i = 0;
        while (i < input.Length)
        {
            if (_state == State.Data)
            {
                // Copy the run up to the next IAC in one go.
                var run = input[i..].IndexOf(TelnetCodes.Iac);
                var length = run < 0 ? input.Length - i : run;
                input.Slice(i, length).CopyTo(output[n..]);
                n += length;
                i += length;
                if (run < 0) break;
                _state = State.Iac;
                i++;
                continue;
            }
            var b = input[i++];
            switch (_state)
            {
                case State.Iac:
                    _state = State.Data;
                    if (b == TelnetCodes.Iac) output[n++] = TelnetCodes.Iac;
                    else if (b is TelnetCodes.Will or TelnetCodes.Wont or TelnetCodes.Do or TelnetCodes.Dont) (_verb, _state) = (b, State.Option);
                    else if (b == TelnetCodes.Sb) _state = State.SubOption;
                    break;
                case State.Option:
                    _state = State.Data;
                    sink.OnNegotiation(_verb, b);
                    break;
                case State.SubOption:
                    (_verb, _subLength, _state) = (b, 0, State.Sub);
                    break;
                case State.Sub:
                    if (b == TelnetCodes.Iac) _state = State.SubIac;
                    else Keep(b);
                    break;
                default: // SubIac
                    if (b == TelnetCodes.Iac)
                    {
                        Keep(b);
                        _state = State.Sub;
                        break;
                    }
                    sink.OnSubnegotiation(_verb, _sub.AsSpan(0, _subLength));
                    // IAC SE ends it; another command ends it too (RFC 855 leaves this open) and is then read as a command.
                    _state = State.Data;
                    if (b != TelnetCodes.Se)
                    {
                        _state = State.Iac;
                        i--;
                    }
                    break;
            }
        }
        return n;
    }

    /// <summary>Forgets a command cut by the end of the last chunk (a new connection).</summary>
    public void Reset()
    {
        _state = State.Data;
        _subLength = 0;
    }

    private void Keep(byte b)
    {
        if (_subLength < _sub.Length) _sub[_subLength++] = b;
    }
}
