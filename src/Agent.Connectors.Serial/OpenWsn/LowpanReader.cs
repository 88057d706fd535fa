namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>Reads a 6LoWPAN datagram front to back without copying; every read says whether the bytes were there.</summary>
internal ref struct LowpanReader(ReadOnlySpan<byte> bytes)
{
    private readonly ReadOnlySpan<byte> _bytes = bytes;

    public int Position { get; private set; }

    public readonly int Remaining => _bytes.Length - Position;

    public readonly ReadOnlySpan<byte> Rest => _bytes[Position..];

    /// <summary>The next byte, or 0 at the end (0 is neither a dispatch nor a 6LoRH).</summary>
    public readonly byte Peek() => Remaining > 0 ? _bytes[Position] : (byte)0;

    public void Skip(int count) => Position += count;

    public bool TryRead(int count, out ReadOnlySpan<byte> bytes)
    {
        if (count > Remaining)
        {
            bytes = default;
            return false;
        }
        bytes = _bytes.Slice(Position, count);
        Position += count;
        return true;
    }

    public bool TryReadByte(out byte value)
    {
        value = Peek();
        if (Remaining == 0) return false;
        Position++;
        return true;
    }
}
