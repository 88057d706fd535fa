using System.Buffers.Binary;
using Agent.Core.Addressing;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>Classifies raw mote -> PC frames (type byte + body, after HDLC) by OPENWSN.md B. Never throws on bad input.</summary>
public static class MoteFrameParser
{
    /// <summary>Type, mote id, ASN, root EUI-64, previous hop: the <c>D</c> header before the 6LoWPAN bytes (B.1).</summary>
    public const int DataHeaderLength = OpenWsnFrameType.DataPrefixLength + 2 * Eui64.Length;

    /// <summary>Type, mote id, status element id (B.2).</summary>
    public const int StatusHeaderLength = 1 + OpenWsnFrameType.MoteIdLength + 1;

    /// <summary>isDAGroot(1) panId(2) 16-bit id(2) EUI-64(8) prefix(8) (B.2 IdManager).</summary>
    public const int IdManagerLength = 21;

    /// <summary>Type, mote id, component, code, arg1, arg2 (B.3).</summary>
    public const int LogLength = 9;

    /// <summary>Reads a frame outside echo probing: a <c>D</c> frame is a bridged datagram (B.1).</summary>
    public static MoteFrame Parse(ReadOnlySpan<byte> raw)
    {
        // A 0-byte frame is valid HDLC: count it, never read a type byte from it (OPENWSN.md A).
        if (raw.IsEmpty) return new MoteFrame.Ignored(null, DropReason.OpenWsnEmptyFrame);
        var type = raw[0];
        return type switch
        {
            OpenWsnFrameType.MoteData => ParseData(raw),
            OpenWsnFrameType.MoteStatus => ParseStatus(raw),
            OpenWsnFrameType.SniffedPacket => new MoteFrame.Ignored(type, DropReason.OpenWsnSniffedPacket),
            OpenWsnFrameType.Printf => new MoteFrame.Ignored(type, DropReason.OpenWsnPrintf),
            _ when OpenWsnFrameType.IsLog(type) => ParseLog(raw),
            _ => new MoteFrame.Ignored(type, DropReason.OpenWsnUnknownFrameType),
        };
    }

    /// <summary>
    /// Reads a frame while an echo test is in progress: a <c>D</c> frame is then an echo reply, whose echoed bytes
    /// start at offset 8 (the reply has no address fields, B.1; OV SerialTester takes <c>data[8:]</c>). Other types
    /// are read as by <see cref="Parse"/>.
    /// </summary>
    public static MoteFrame ParseEchoReply(ReadOnlySpan<byte> raw)
    {
        if (raw.IsEmpty || raw[0] != OpenWsnFrameType.MoteData) return Parse(raw);
        if (raw.Length < OpenWsnFrameType.DataPrefixLength) return Short(raw);
        return new MoteFrame.EchoReply(MoteId(raw), Asn(raw), raw[OpenWsnFrameType.DataPrefixLength..].ToArray());
    }

    private static MoteFrame ParseData(ReadOnlySpan<byte> raw)
    {
        if (raw.Length < DataHeaderLength) return Short(raw);
        return new MoteFrame.Data(
            MoteId(raw),
            Asn(raw),
            Eui64.Read(raw[OpenWsnFrameType.DataPrefixLength..]),
            Eui64.Read(raw[(OpenWsnFrameType.DataPrefixLength + Eui64.Length)..]),
            raw[DataHeaderLength..].ToArray());
    }

    private static MoteFrame ParseStatus(ReadOnlySpan<byte> raw)
    {
        if (raw.Length < StatusHeaderLength) return Short(raw);
        var element = (OpenWsnStatusElement)raw[3];
        if (element != OpenWsnStatusElement.IdManager) return new MoteFrame.Status(MoteId(raw), element);

        var body = raw[StatusHeaderLength..];
        if (body.Length < IdManagerLength) return Short(raw);
        return new MoteFrame.IdManager(
            MoteId(raw),
            IsDagRoot: body[0] != 0,
            // The firmware struct is little-endian: 0xCAFE is sent as fe ca (B.2).
            PanId: BinaryPrimitives.ReadUInt16LittleEndian(body[1..]),
            // addr_16b[0], addr_16b[1]: EUI-64 bytes 6 and 7, in transmission order (B.2).
            ShortId: BinaryPrimitives.ReadUInt16BigEndian(body[3..]),
            Eui64: Eui64.Read(body[5..]),
            Prefix: new Ipv6Prefix(BinaryPrimitives.ReadUInt64BigEndian(body[13..])));
    }

    private static MoteFrame ParseLog(ReadOnlySpan<byte> raw)
    {
        if (raw.Length < LogLength) return Short(raw);
        return new MoteFrame.Log(
            MoteId(raw),
            Severity(raw[0]),
            Component: raw[3],
            Code: raw[4],
            Arg1: BinaryPrimitives.ReadUInt16BigEndian(raw[5..]),
            Arg2: BinaryPrimitives.ReadUInt16BigEndian(raw[7..]));
    }

    private static MoteFrame.Ignored Short(ReadOnlySpan<byte> raw) => new(raw[0], DropReason.OpenWsnShortFrame);

    // addr_16b[0], addr_16b[1] as written: big-endian (OPENWSN.md B; OV's status parser reads it <H, a harmless slip).
    private static ushort MoteId(ReadOnlySpan<byte> raw) => BinaryPrimitives.ReadUInt16BigEndian(raw[1..]);

    // 40-bit little-endian ASN: bytes0and1 LE, bytes2and3 LE, byte4 (B.1).
    private static ulong Asn(ReadOnlySpan<byte> raw)
    {
        ulong asn = 0;
        for (var i = 4; i >= 0; i--) asn = (asn << 8) | raw[3 + i];
        return asn;
    }

    private static OpenWsnLogSeverity Severity(byte type) => type switch
    {
        OpenWsnFrameType.LogVerbose => OpenWsnLogSeverity.Verbose,
        OpenWsnFrameType.LogInfo => OpenWsnLogSeverity.Info,
        OpenWsnFrameType.LogWarning => OpenWsnLogSeverity.Warning,
        OpenWsnFrameType.LogSuccess => OpenWsnLogSeverity.Success,
        OpenWsnFrameType.LogError => OpenWsnLogSeverity.Error,
        _ => OpenWsnLogSeverity.Critical,
    };
}
