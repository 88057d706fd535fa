namespace FirmwareSim.Uart;

/// <summary>
/// The timing of a UART's transmit line: at <c>baud</c> with 10 bits a byte (start, 8 data, stop), how many of
/// the pending bytes have finished crossing the line by a given time. Times are timestamps of a monotonic clock
/// (<see cref="TimeProvider.GetTimestamp"/>), so no sleep has to be exact: a late check just releases more bytes.
/// </summary>
public sealed class UartLine
{
    private readonly double _ticksPerByte;
    private double _free; // when the line finishes the last byte released so far

    public UartLine(int baud, long timestampFrequency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(baud, 1);
        Baud = baud;
        _ticksPerByte = 10.0 * timestampFrequency / baud;
    }

    public int Baud { get; }

    /// <summary>Bytes arrived at an idle line at <paramref name="now"/>: the first one starts now, not in the past.</summary>
    public void Wake(long now)
    {
        if (_free < now) _free = now;
    }

    /// <summary>How many of <paramref name="pending"/> bytes are on the far side at <paramref name="now"/>; they are taken.</summary>
    public int Take(long now, int pending)
    {
        var due = (long)Math.Floor((now - _free) / _ticksPerByte);
        if (due <= 0 || pending <= 0) return 0;
        var n = (int)Math.Min(due, pending);
        _free += n * _ticksPerByte;
        return n;
    }

    /// <summary>The timestamp at which the next byte will have crossed the line.</summary>
    public long NextDue => (long)Math.Ceiling(_free + _ticksPerByte);
}
