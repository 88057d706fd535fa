namespace FirmwareSim.OpenWsn;

/// <summary>
/// The status frames a mote prints every 100 ms (FW task_openserial_debugPrint, OPENWSN.md B.2):
/// <c>S | moteId16 | element | payload</c>, one element per frame, cycling through all 13 starting with IdManager
/// (the counter is incremented before printing). Payloads are the firmware's packed little-endian structs with
/// the sizes OpenVisualizer parses; IdManager, IsSync, MyDagRank and Asn carry real values, the others zeros
/// (nothing reads them but a UI).
/// </summary>
public sealed class StatusCycle
{
    public const int ElementCount = 13; // STATUS_MAX
    public const ushort PanId = 0xCAFE; // PANID_DEFINED

    private static readonly int[] PayloadLengths = [1, 21, 2, 4, 5, 15, 31, 2, 40, 40, 2, 5, 2];

    private int _counter;

    /// <summary>Starts the cycle again, as a reboot does.</summary>
    public void Reset() => _counter = 0;

    /// <summary>The next status frame.</summary>
    public byte[] Next(DagRootView root, long asn)
    {
        _counter = (_counter + 1) % ElementCount;
        return Build((StatusElement)_counter, root, asn);
    }

    public static byte[] Build(StatusElement element, DagRootView root, long asn)
    {
        var payload = new byte[PayloadLengths[(int)element]];
        switch (element)
        {
            case StatusElement.IsSync:
                payload[0] = root.IsDagRoot ? (byte)1 : (byte)0;
                break;
            case StatusElement.IdManager:
                // isDAGroot | myPANID (low byte first) | my16bID | my64bID | myPrefix (debugIDManagerEntry_t)
                payload[0] = root.IsDagRoot ? (byte)1 : (byte)0;
                payload[1] = PanId & 0xFF;
                payload[2] = PanId >> 8;
                root.MoteId.CopyTo(payload.AsSpan(3));
                root.Eui64.CopyTo(payload.AsSpan(5));
                root.Prefix.CopyTo(payload.AsSpan(13));
                break;
            case StatusElement.MyDagRank:
                payload[0] = (byte)root.Rank;
                payload[1] = (byte)(root.Rank >> 8);
                break;
            case StatusElement.Asn:
                // asn_t {byte4, bytes2and3 LE, bytes0and1 LE}
                payload[0] = (byte)(asn >> 32);
                payload[1] = (byte)(asn >> 16);
                payload[2] = (byte)(asn >> 24);
                payload[3] = (byte)asn;
                payload[4] = (byte)(asn >> 8);
                break;
        }
        return [FrameType.Status, root.MoteId[0], root.MoteId[1], (byte)element, .. payload];
    }
}
