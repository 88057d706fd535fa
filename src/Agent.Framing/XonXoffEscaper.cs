namespace Agent.Framing;

/// <summary>
/// The XON/XOFF sublayer of the OpenWSN boards' UART drivers (FW bsp/boards/*/uart.c, OPENWSN.md A): every byte
/// the mote sends, after HDLC, goes out with 0x11, 0x13 and 0x12 replaced by 0x12, byte XOR 0x10; bare XOFF/XON
/// are sent when the TSCH MAC inhibits and releases the serial port around each slot. Mote to PC only: the agent
/// undoes it with <see cref="XonXoffFilter"/>, firmware-sim does it.
/// </summary>
public static class XonXoffEscaper
{
    public const byte Xon = 0x11;
    public const byte Escape = 0x12;
    public const byte Xoff = 0x13;
    public const byte Mask = 0x10;

    /// <summary>What the mote sends around a slot boundary: pause, then resume.</summary>
    public static ReadOnlySpan<byte> SlotPause => [Xoff, Xon];

    public static byte[] Apply(ReadOnlySpan<byte> wire)
    {
        var escaped = new byte[wire.Length + wire.Count(Xon) + wire.Count(Escape) + wire.Count(Xoff)];
        var n = 0;
        foreach (var b in wire)
        {
            if (b is Xon or Escape or Xoff)
            {
                escaped[n++] = Escape;
                escaped[n++] = (byte)(b ^ Mask);
            }
            else
            {
                escaped[n++] = b;
            }
        }
        return escaped;
    }
}
