using System.Buffers.Binary;

namespace FirmwareSim.Ieee802154;

/// <summary>
/// An IEEE 802.15.4 MAC frame without FCS (PROTOCOL.md 4): frame control, sequence number, addressing fields,
/// payload. Multi-byte fields are little-endian on the air, extended addresses included; addresses are kept here
/// in their on-air byte order.
/// </summary>
public sealed class MacFrame
{
    public const int TypeBeacon = 0;
    public const int TypeData = 1;
    public const int TypeAck = 2;
    public const int TypeCommand = 3;

    /// <summary>The broadcast short address and PAN id.</summary>
    public const ushort Broadcast = 0xFFFF;

    public int FrameType { get; private init; }
    public bool SecurityEnabled { get; private init; }
    public bool FramePending { get; private init; }
    public bool AckRequest { get; private init; }
    public bool PanIdCompression { get; private init; }
    /// <summary>0 (2003), 1 (2006) or 2 (2015).</summary>
    public int Version { get; private init; }
    /// <summary>2015 frames only: information elements follow the header.</summary>
    public bool IePresent { get; private init; }
    public byte? Sequence { get; private init; }
    public AddressMode DestinationMode { get; private init; }
    public AddressMode SourceMode { get; private init; }
    public ushort? DestinationPan { get; private init; }
    public ushort? SourcePan { get; private init; }
    public byte[] DestinationAddress { get; private init; } = [];
    public byte[] SourceAddress { get; private init; } = [];
    public byte[] Payload { get; private init; } = [];

    /// <summary>The PAN the frame travels in: its destination PAN, else its source PAN.</summary>
    public ushort? Pan => DestinationPan ?? SourcePan;

    /// <summary>Parses the header; <paramref name="error"/> says why a frame was refused.</summary>
    public static bool TryParse(ReadOnlySpan<byte> frame, out MacFrame? parsed, out string error)
    {
        parsed = null;
        if (frame.Length < 2)
        {
            error = "short-frame";
            return false;
        }
        var control = BinaryPrimitives.ReadUInt16LittleEndian(frame);
        var version = (control >> 12) & 3;
        var destinationMode = (AddressMode)((control >> 10) & 3);
        var sourceMode = (AddressMode)((control >> 14) & 3);
        var panIdCompression = (control & 0x0040) != 0;
        if (destinationMode == AddressMode.Reserved || sourceMode == AddressMode.Reserved || version == 3)
        {
            error = "reserved-frame-control";
            return false;
        }
        var sequenceSuppressed = version == 2 && (control & 0x0100) != 0;
        var (destinationPanPresent, sourcePanPresent) = PanIdsPresent(version, destinationMode, sourceMode, panIdCompression);

        var i = 2;
        byte? sequence = null;
        if (!sequenceSuppressed)
        {
            if (frame.Length < i + 1) return Truncated(out error);
            sequence = frame[i++];
        }
        ushort? destinationPan = null;
        if (destinationPanPresent)
        {
            if (frame.Length < i + 2) return Truncated(out error);
            destinationPan = BinaryPrimitives.ReadUInt16LittleEndian(frame[i..]);
            i += 2;
        }
        var destinationLength = AddressLength(destinationMode);
        if (frame.Length < i + destinationLength) return Truncated(out error);
        var destination = frame.Slice(i, destinationLength).ToArray();
        i += destinationLength;
        ushort? sourcePan = null;
        if (sourcePanPresent)
        {
            if (frame.Length < i + 2) return Truncated(out error);
            sourcePan = BinaryPrimitives.ReadUInt16LittleEndian(frame[i..]);
            i += 2;
        }
        var sourceLength = AddressLength(sourceMode);
        if (frame.Length < i + sourceLength) return Truncated(out error);
        var source = frame.Slice(i, sourceLength).ToArray();
        i += sourceLength;

        parsed = new MacFrame
        {
            FrameType = control & 7,
            SecurityEnabled = (control & 0x0008) != 0,
            FramePending = (control & 0x0010) != 0,
            AckRequest = (control & 0x0020) != 0,
            PanIdCompression = panIdCompression,
            Version = version,
            IePresent = version == 2 && (control & 0x0200) != 0,
            Sequence = sequence,
            DestinationMode = destinationMode,
            SourceMode = sourceMode,
            DestinationPan = destinationPan,
            SourcePan = sourcePan,
            DestinationAddress = destination,
            SourceAddress = source,
            Payload = frame[i..].ToArray(),
        };
        error = "";
        return true;
    }

    /// <summary>
    /// A data frame with a PAN id, the given destination and an extended source, PAN ID compression on (so only
    /// the destination PAN is sent), no acknowledgement requested. Addresses are in on-air byte order.
    /// </summary>
    public static byte[] Data(int version, byte sequence, ushort pan, AddressMode destinationMode, ReadOnlySpan<byte> destination,
        ReadOnlySpan<byte> sourceExtended, ReadOnlySpan<byte> payload)
    {
        if (version is not (0 or 1)) throw new ArgumentOutOfRangeException(nameof(version), "Only 2003 and 2006 frames are built.");
        if (destinationMode is not (AddressMode.Short or AddressMode.Extended)) throw new ArgumentOutOfRangeException(nameof(destinationMode));
        if (destination.Length != AddressLength(destinationMode)) throw new ArgumentException("The destination does not fit its mode.", nameof(destination));
        if (sourceExtended.Length != 8) throw new ArgumentException("An extended address has 8 bytes.", nameof(sourceExtended));

        var control = TypeData | 0x0040 | ((int)destinationMode << 10) | (version << 12) | ((int)AddressMode.Extended << 14);
        var frame = new byte[3 + 2 + destination.Length + 8 + payload.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(frame, (ushort)control);
        frame[2] = sequence;
        BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(3), pan);
        destination.CopyTo(frame.AsSpan(5));
        sourceExtended.CopyTo(frame.AsSpan(5 + destination.Length));
        payload.CopyTo(frame.AsSpan(13 + destination.Length));
        return frame;
    }

    public static int AddressLength(AddressMode mode) => mode switch
    {
        AddressMode.Short => 2,
        AddressMode.Extended => 8,
        _ => 0,
    };

    private static (bool Destination, bool Source) PanIdsPresent(int version, AddressMode destination, AddressMode source, bool compression)
    {
        var hasDestination = destination != AddressMode.None;
        var hasSource = source != AddressMode.None;
        if (version < 2)
        {
            // 2003/2006: each address brings its PAN id, but compression drops the source PAN when both are there.
            return (hasDestination, hasSource && !(compression && hasDestination));
        }
        // 2015, table 7-2 of IEEE 802.15.4-2015.
        return (hasDestination, hasSource, compression) switch
        {
            (false, false, false) => (false, false),
            (false, false, true) => (true, false),
            (true, false, false) => (true, false),
            (true, false, true) => (false, false),
            (false, true, false) => (false, true),
            (false, true, true) => (false, false),
            _ when destination == AddressMode.Extended && source == AddressMode.Extended => (!compression, false),
            _ => (true, !compression),
        };
    }

    private static bool Truncated(out string error)
    {
        error = "truncated-header";
        return false;
    }
}
