namespace Agent.Framing.Telnet;

/// <summary>Receives the telnet commands that <see cref="TelnetDecoder"/> takes out of the stream. Spans are valid only during the call.</summary>
public interface ITelnetSink
{
    /// <summary>An option negotiation: <paramref name="verb"/> is WILL, WONT, DO or DONT.</summary>
    void OnNegotiation(byte verb, byte option);

    /// <summary>A subnegotiation <c>IAC SB option value IAC SE</c>, its doubled IACs undone.</summary>
    void OnSubnegotiation(byte option, ReadOnlySpan<byte> value);
}
