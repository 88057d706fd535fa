namespace Agent.Framing;

/// <summary>
/// The bytes of the frame being decoded: grows by doubling up to a fixed limit, so a decoder allocates only while
/// it meets frames longer than any before, never per byte.
/// </summary>
internal sealed class FrameBuffer(int limit)
{
    private const int InitialCapacity = 256;

    private byte[] _bytes = new byte[Math.Min(InitialCapacity, limit)];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, Length);

    public void Clear() => Length = 0;

    /// <summary>Appends <paramref name="data"/>, or nothing and false when that would pass the limit.</summary>
    public bool TryAppend(ReadOnlySpan<byte> data)
    {
        if (data.Length > limit - Length) return false;
        Reserve(Length + data.Length);
        data.CopyTo(_bytes.AsSpan(Length));
        Length += data.Length;
        return true;
    }

    public bool TryAppend(byte value)
    {
        if (Length == limit) return false;
        Reserve(Length + 1);
        _bytes[Length++] = value;
        return true;
    }

    private void Reserve(int needed)
    {
        if (needed <= _bytes.Length) return;
        var grown = new byte[Math.Min(limit, Math.Max(needed, 2 * _bytes.Length))];
        _bytes.AsSpan(0, Length).CopyTo(grown);
        _bytes = grown;
    }
}
