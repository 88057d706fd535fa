using System.Buffers;
using System.Buffers.Binary;

namespace Agent.Core.Capture;

/// <summary>
/// Classic libpcap format into the caller's stream: a 24-byte global header, then per packet a 16-byte record header
/// and the bytes. Little-endian, microsecond timestamps, one link type per file. Each record goes out in one write and
/// is flushed, so a reader never sees half a record.
/// </summary>
public sealed class PcapWriter : ICaptureWriter
{
    public const uint Magic = 0xA1B2C3D4;
    public const int GlobalHeaderLength = 24;
    public const int RecordHeaderLength = 16;

    /// <summary>
    /// What tcpdump writes when nothing asks for less, and the largest IP packet without jumbograms. Readers refuse a
    /// record longer than their own limit (tshark: 262144 bytes) and every record after it, so a body of any size is
    /// cut to this.
    /// </summary>
    public const int DefaultSnapLength = 65535;

    /// <summary>The snap length of the ioppytest sniffer's captures (PROTOCOL.md 7).</summary>
    public const int SnifferSnapLength = 2000;

    private readonly Stream _stream;

    public PcapWriter(Stream stream, LinkType linkType, int snapLength = DefaultSnapLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(snapLength);
        _stream = stream;
        LinkType = linkType;
        SnapLength = snapLength;
        Span<byte> header = stackalloc byte[GlobalHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2); // version 2.4
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0); // thiszone: timestamps are UTC
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0); // sigfigs
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], snapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)linkType);
        _stream.Write(header);
        _stream.Flush();
        Length = GlobalHeaderLength;
    }

    public LinkType LinkType { get; }

    public int SnapLength { get; }

    public long Length { get; private set; }

    public long Records { get; private set; }

    public bool Accepts(LinkType linkType) => linkType == LinkType;

    public bool Write(CaptureRecord record)
    {
        if (!Accepts(record.LinkType))
            throw new ArgumentException($"a classic pcap file of link type {(int)LinkType} cannot hold a {(int)record.LinkType} record", nameof(record));
        return Write(record.UnixMicroseconds, record.Data);
    }

    /// <summary>One record; a packet longer than the snap length is cut, its original length kept (then true).</summary>
    public bool Write(long unixMicroseconds, ReadOnlySpan<byte> packet)
    {
        var included = Math.Min(packet.Length, SnapLength);
        var length = RecordHeaderLength + included;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var span = buffer.AsSpan(0, length);
            var micros = Math.Max(0, unixMicroseconds);
            BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)(micros / 1_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)(micros % 1_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)included);
            BinaryPrimitives.WriteUInt32LittleEndian(span[12..], (uint)packet.Length);
            packet[..included].CopyTo(span[RecordHeaderLength..]);
            _stream.Write(span);
            _stream.Flush();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        Length += length;
        Records++;
        return included < packet.Length;
    }
}
