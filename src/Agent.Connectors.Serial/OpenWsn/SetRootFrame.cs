using Agent.Core.Addressing;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>
/// The PC-to-mote <c>R</c> frame that makes the mote DAG root of a prefix and installs the L2 key (OPENWSN.md C, E item 4):
/// <c>R | action | prefix(8) | keyIndex | key(16)</c>, 27 bytes raw (before HDLC).
/// </summary>
public static class SetRootFrame
{
    /// <summary>SERFRAME_PC2MOTE_SETROOT.</summary>
    public const byte Type = (byte)'R';

    public const int KeyLength = 16;

    /// <summary>Type byte + the 26-byte body, which must be exactly that long or the mote logs 0x4E and ignores it (C).</summary>
    public const int Length = 1 + 1 + 8 + 1 + KeyLength;

    /// <summary>The key index OV's JRC uses (C).</summary>
    public const byte DefaultKeyIndex = 1;

    /// <summary>The raw frame. <paramref name="key"/> is the AES-128 key, used as both beacon and data key by the mote.</summary>
    public static byte[] Build(Ipv6Prefix prefix, byte keyIndex, ReadOnlySpan<byte> key, SetRootFrameAction action = SetRootFrameAction.Set)
    {
        if (key.Length != KeyLength)
            throw new ArgumentException($"an L2 key is {KeyLength} bytes, got {key.Length}", nameof(key));
        var frame = new byte[Length];
        frame[0] = Type;
        frame[1] = (byte)action;
        prefix.ToBytes().CopyTo(frame, 2);
        frame[10] = keyIndex;
        key.CopyTo(frame.AsSpan(11));
        return frame;
    }
}
