namespace FirmwareSim.OpenWsn;

/// <summary>Status element ids (FW opendefs.h STATUS_*, OPENWSN.md B.2), in the order the mote cycles through them.</summary>
public enum StatusElement : byte
{
    IsSync = 0,
    IdManager = 1,
    MyDagRank = 2,
    OutputBuffer = 3,
    Asn = 4,
    MacStats = 5,
    ScheduleRow = 6,
    Backoff = 7,
    QueueRow = 8,
    NeighborsRow = 9,
    KaPeriod = 10,
    Joined = 11,
    Msf = 12,
}
