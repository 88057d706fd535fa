namespace Agent.Framing.Telnet;

/// <summary>
/// One side's option negotiation (RFC 854, with RFC 1143's rule that an answer is sent only when a state changes, so
/// two sides never loop): which options this side will enable at home (WILL) and ask the peer for (DO), what it has
/// asked for, and what is in effect. Anything not offered is refused. Not thread-safe: one reader negotiates.
/// </summary>
public sealed class TelnetOptions
{
    private readonly byte[] _local;
    private readonly byte[] _remote;
    private readonly Dictionary<byte, Side> _localState = [];
    private readonly Dictionary<byte, Side> _remoteState = [];

    /// <param name="local">Options this side enables at home when asked (answers DO with WILL), and offers at start.</param>
    /// <param name="remote">Options this side wants the peer to enable (answers WILL with DO), and asks for at start.</param>
    public TelnetOptions(IEnumerable<byte> local, IEnumerable<byte> remote)
    {
        _local = [.. local.Distinct()];
        _remote = [.. remote.Distinct()];
    }

    private enum Side
    {
        Off,
        Asked,
        On,
        Refused,
    }

    /// <summary>What this side says first: WILL for each local option and DO for each remote one (now asked for).</summary>
    public byte[] Offer()
    {
        var offer = new List<byte>();
        foreach (var option in _local)
        {
            _localState[option] = Side.Asked;
            offer.AddRange(TelnetEncoder.Negotiation(TelnetCodes.Will, option));
        }
        foreach (var option in _remote)
        {
            _remoteState[option] = Side.Asked;
            offer.AddRange(TelnetEncoder.Negotiation(TelnetCodes.Do, option));
        }
        return [.. offer];
    }

    /// <summary>True once this side has enabled <paramref name="option"/> (the peer said DO).</summary>
    public bool IsLocal(byte option) => _localState.GetValueOrDefault(option) == Side.On;

    /// <summary>True once the peer has enabled <paramref name="option"/> (it said WILL).</summary>
    public bool IsRemote(byte option) => _remoteState.GetValueOrDefault(option) == Side.On;

    /// <summary>True when the peer refused to let this side enable <paramref name="option"/> (DONT after our WILL).</summary>
    public bool IsLocalRefused(byte option) => _localState.GetValueOrDefault(option) == Side.Refused;

    /// <summary>Takes the peer's <paramref name="verb"/> about <paramref name="option"/>; returns the answer to send, if any.</summary>
    public byte[]? Answer(byte verb, byte option) => verb switch
    {
        TelnetCodes.Will => Enable(_remoteState, _remote.Contains(option), option, TelnetCodes.Do, TelnetCodes.Dont),
        TelnetCodes.Do => Enable(_localState, _local.Contains(option), option, TelnetCodes.Will, TelnetCodes.Wont),
        TelnetCodes.Wont => Disable(_remoteState, option, TelnetCodes.Dont),
        TelnetCodes.Dont => Disable(_localState, option, TelnetCodes.Wont),
        _ => null,
    };

    private static byte[]? Enable(Dictionary<byte, Side> states, bool wanted, byte option, byte agree, byte refuse)
    {
        var state = states.GetValueOrDefault(option);
        if (state == Side.On) return null;
        if (!wanted) return TelnetEncoder.Negotiation(refuse, option); // a peer that follows RFC 854 does not ask again
        states[option] = Side.On;
        return state == Side.Asked ? null : TelnetEncoder.Negotiation(agree, option);
    }

    private static byte[]? Disable(Dictionary<byte, Side> states, byte option, byte acknowledge)
    {
        var state = states.GetValueOrDefault(option);
        if (state == Side.Asked) states[option] = Side.Refused;
        if (state != Side.On) return null;
        states[option] = Side.Off;
        return TelnetEncoder.Negotiation(acknowledge, option);
    }
}
