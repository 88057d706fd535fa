using System.Buffers.Binary;
using System.Text;

namespace Agent.Core.Capture;

/// <summary>
/// pcapng into the caller's stream: a Section Header Block, then an Interface Description Block the first time an
/// interface appears and an Enhanced Packet Block per packet. Each agent is its own interface, named after it
/// (<c>if_name</c>), so Wireshark shows who sent what; an agent with IP and 802.15.4 traffic gets one interface per
/// link type. Little-endian, microsecond timestamps (the default <c>if_tsresol</c>), a snap length of
/// <see cref="SnapLength"/> to which longer packets are cut (tshark stops reading a file at a record longer than its
/// limit). A new interface's
/// block and its first packet go out in one write, and every write is flushed: the file is readable at every moment.
/// </summary>
public sealed class PcapNgWriter : ICaptureWriter
{
    public const uint SectionHeaderBlock = 0x0A0D0D0A;
    public const uint InterfaceDescriptionBlock = 1;
    public const uint EnhancedPacketBlock = 6;
    public const uint ByteOrderMagic = 0x1A2B3C4D;

    public const ushort EndOfOptions = 0;
    public const ushort ShbUserApplication = 4;
    public const ushort IfName = 2;
    public const ushort IfDescription = 3;

    public const int SnapLength = PcapWriter.DefaultSnapLength;

    private readonly Stream _stream;
    private readonly Dictionary<(string Name, LinkType LinkType), uint> _interfaces = new();
    private readonly List<(string Name, LinkType LinkType)> _interfaceList = [];
    private byte[] _buffer = new byte[2048];
    private int _used;

    public PcapNgWriter(Stream stream, string application = "agent capture")
    {
        _stream = stream;
        var start = BeginBlock(SectionHeaderBlock);
        U32(ByteOrderMagic);
        U16(1); // version 1.0
        U16(0);
        U64(ulong.MaxValue); // section length: not known in advance
        Option(ShbUserApplication, application);
        EndBlock(start, withOptions: true);
        Flush();
    }

    /// <summary>The interfaces described so far, in the order of their ids.</summary>
    public IReadOnlyList<(string Name, LinkType LinkType)> Interfaces => _interfaceList;

    public long Length { get; private set; }

    public long Records { get; private set; }

    public bool Accepts(LinkType linkType) => true;

    /// <summary>The record under an interface named after its agent, described by its routing key.</summary>
    public bool Write(CaptureRecord record) =>
        Write(record.Agent, record.LinkType, record.UnixMicroseconds, record.Data, record.RoutingKey);

    /// <summary>
    /// One packet on the interface <paramref name="interfaceName"/> of <paramref name="linkType"/>, described (the
    /// first time only) by <paramref name="description"/>. True when it was cut to <see cref="SnapLength"/>.
    /// </summary>
    public bool Write(string interfaceName, LinkType linkType, long unixMicroseconds, ReadOnlySpan<byte> packet, string? description = null)
    {
        if (!_interfaces.TryGetValue((interfaceName, linkType), out var id))
        {
            id = (uint)_interfaceList.Count;
            _interfaces.Add((interfaceName, linkType), id);
            _interfaceList.Add((interfaceName, linkType));
            var idb = BeginBlock(InterfaceDescriptionBlock);
            U16((ushort)linkType);
            U16(0); // reserved
            U32(SnapLength);
            Option(IfName, interfaceName);
            if (description is not null) Option(IfDescription, description);
            EndBlock(idb, withOptions: true);
        }
        var micros = (ulong)Math.Max(0, unixMicroseconds);
        var epb = BeginBlock(EnhancedPacketBlock);
        U32(id);
        U32((uint)(micros >> 32));
        U32((uint)micros);
        var included = Math.Min(packet.Length, SnapLength);
        U32((uint)included); // captured
        U32((uint)packet.Length); // original
        Bytes(packet[..included]);
        Pad();
        EndBlock(epb, withOptions: false);
        Flush();
        Records++;
        return included < packet.Length;
    }

    private int BeginBlock(uint type)
    {
        var start = _used;
        U32(type);
        U32(0); // total length, set by EndBlock
        return start;
    }

    private void EndBlock(int start, bool withOptions)
    {
        if (withOptions)
        {
            U16(EndOfOptions);
            U16(0);
        }
        var total = _used - start + 4;
        U32((uint)total);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(start + 4), (uint)total);
    }

    private void Option(ushort code, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > ushort.MaxValue) bytes = bytes[..ushort.MaxValue];
        U16(code);
        U16((ushort)bytes.Length);
        Bytes(bytes);
        Pad();
    }

    private void Flush()
    {
        _stream.Write(_buffer, 0, _used);
        _stream.Flush();
        Length += _used;
        _used = 0;
    }

    private Span<byte> Take(int count)
    {
        if (_used + count > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _used + count));
        var span = _buffer.AsSpan(_used, count);
        _used += count;
        return span;
    }

    private void U16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Take(2), value);

    private void U32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Take(4), value);

    private void U64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Take(8), value);

    private void Bytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Take(bytes.Length));

    /// <summary>Pads with zeros to the 32-bit boundary every block and option ends on.</summary>
    private void Pad() => Take((4 - _used % 4) % 4).Clear();
}
