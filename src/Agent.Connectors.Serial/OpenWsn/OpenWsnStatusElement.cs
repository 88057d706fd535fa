namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>The status element ids of <c>S</c> frames, as OpenVisualizer names them (OPENWSN.md B.2).</summary>
public enum OpenWsnStatusElement : byte
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
