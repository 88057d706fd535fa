namespace FirmwareSim.OpenWsn;

/// <summary>
/// An ASN that counts 20 ms slots (SLOTDURATION of the OpenMote boards) from the vectors' 0x12345 at start-up,
/// so the first frames carry the same ASN bytes as the vectors.
/// </summary>
public sealed class AsnClock : IAsnClock
{
    public const long VectorAsn = 0x12345;
    public static readonly TimeSpan SlotDuration = TimeSpan.FromMilliseconds(20);

    private readonly TimeProvider _time;
    private readonly long _start;

    public AsnClock(TimeProvider time)
    {
        _time = time;
        _start = time.GetTimestamp();
    }

    public long Read() => (VectorAsn + (long)(_time.GetElapsedTime(_start) / SlotDuration)) & 0xFF_FFFF_FFFF;
}
