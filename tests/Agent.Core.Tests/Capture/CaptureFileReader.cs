using System.Buffers.Binary;
using System.Text;

namespace Agent.Core.Tests.Capture;

/// <summary>
/// Reads capture files back for the tests, written from the format descriptions (libpcap's pcap-savefile(5) and the
/// pcapng draft), not from the writers' code, so that a mistake cannot hide by being the same on both sides.
/// </summary>
public static class CaptureFileReader
{
    public sealed record PcapFile(ushort VersionMajor, ushort VersionMinor, int SnapLength, uint LinkType, IReadOnlyList<PcapRecord> Records);

    public sealed record PcapRecord(uint Seconds, uint Microseconds, uint IncludedLength, uint OriginalLength, byte[] Data);

    public sealed record Block(uint Type, byte[] Body);

    public sealed record NgInterface(ushort LinkType, uint SnapLength, IReadOnlyDictionary<ushort, string> Options);

    public sealed record NgPacket(uint InterfaceId, ulong Timestamp, uint CapturedLength, uint OriginalLength, byte[] Data);

    public sealed record NgFile(IReadOnlyList<Block> Blocks, IReadOnlyList<NgInterface> Interfaces, IReadOnlyList<NgPacket> Packets)
    {
        public string InterfaceNameOf(NgPacket packet) => Interfaces[(int)packet.InterfaceId].Options[2];
    }

    public static PcapFile ReadPcap(byte[] file)
    {
        Assert.True(file.Length >= 24, "shorter than a global header");
        Assert.Equal(0xA1B2C3D4u, BinaryPrimitives.ReadUInt32LittleEndian(file));
        var records = new List<PcapRecord>();
        var offset = 24;
        while (offset < file.Length)
        {
            Assert.True(offset + 16 <= file.Length, $"half a record header at {offset}");
            var included = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 8));
            Assert.True(offset + 16 + included <= file.Length, $"half a record at {offset}");
            records.Add(new PcapRecord(
                BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset)),
                BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 4)),
                included,
                BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 12)),
                file.AsSpan(offset + 16, (int)included).ToArray()));
            offset += 16 + (int)included;
        }
        return new PcapFile(
            BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(4)),
            BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(6)),
            BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(16)),
            BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(20)),
            records);
    }

    /// <summary>Splits a pcapng file into blocks, checking that both length fields agree and every block is 32-bit aligned.</summary>
    public static IReadOnlyList<Block> Blocks(byte[] file)
    {
        var blocks = new List<Block>();
        var offset = 0;
        while (offset < file.Length)
        {
            Assert.True(offset + 12 <= file.Length, $"half a block at {offset}");
            var type = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset));
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 4));
            Assert.True(length % 4 == 0 && length >= 12, $"block at {offset} has length {length}");
            Assert.True(offset + length <= file.Length, $"block at {offset} runs past the end");
            Assert.Equal((uint)length, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + length - 4)));
            blocks.Add(new Block(type, file.AsSpan(offset + 8, length - 12).ToArray()));
            offset += length;
        }
        return blocks;
    }

    /// <summary>Options from <paramref name="offset"/> of a block body to its end-of-options (text values).</summary>
    public static IReadOnlyDictionary<ushort, string> Options(byte[] body, int offset)
    {
        var options = new Dictionary<ushort, string>();
        while (offset + 4 <= body.Length)
        {
            var code = BinaryPrimitives.ReadUInt16LittleEndian(body.AsSpan(offset));
            var length = BinaryPrimitives.ReadUInt16LittleEndian(body.AsSpan(offset + 2));
            if (code == 0) break;
            options[code] = Encoding.UTF8.GetString(body, offset + 4, length);
            offset += 4 + (length + 3) / 4 * 4;
        }
        return options;
    }

    public static NgFile ReadPcapNg(byte[] file)
    {
        var blocks = Blocks(file);
        Assert.Equal(0x0A0D0D0Au, blocks[0].Type);
        Assert.Equal(0x1A2B3C4Du, BinaryPrimitives.ReadUInt32LittleEndian(blocks[0].Body));
        var interfaces = new List<NgInterface>();
        var packets = new List<NgPacket>();
        foreach (var block in blocks.Skip(1))
        {
            var body = block.Body;
            switch (block.Type)
            {
                case 1:
                    interfaces.Add(new NgInterface(BinaryPrimitives.ReadUInt16LittleEndian(body), BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(4)), Options(body, 8)));
                    break;
                case 6:
                    var id = BinaryPrimitives.ReadUInt32LittleEndian(body);
                    Assert.True(id < interfaces.Count, $"packet on interface {id} before its description");
                    var captured = BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(12));
                    packets.Add(new NgPacket(id,
                        (ulong)BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(4)) << 32 | BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(8)),
                        captured, BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(16)), body.AsSpan(20, (int)captured).ToArray()));
                    break;
                default:
                    Assert.Fail($"unexpected block type {block.Type}");
                    break;
            }
        }
        return new NgFile(blocks, interfaces, packets);
    }
}
