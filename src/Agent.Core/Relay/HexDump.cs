using System.Text;

namespace Agent.Core.Relay;

/// <summary>
/// A packet as the hex dump Wireshark's <c>text2pcap</c> reads (the <c>od -Ax -tx1 -v</c> form tunslip6 <c>-v5</c>
/// prints): lines of a six-digit hex offset and up to 16 bytes, the first at offset 000000. text2pcap takes numbers on
/// other log lines for offsets and bytes, so the log is filtered to these lines first:
/// <c>grep -E '^[0-9a-f]{6} ' agent.log | text2pcap -l 101 - agent.pcapng</c> (101: raw IP).
/// </summary>
public static class HexDump
{
    public const int BytesPerLine = 16;

    public static string Text2Pcap(ReadOnlySpan<byte> packet)
    {
        var text = new StringBuilder((packet.Length / BytesPerLine + 1) * (8 + 3 * BytesPerLine));
        for (var offset = 0; offset < packet.Length; offset += BytesPerLine)
        {
            if (offset > 0) text.Append('\n');
            text.Append(offset.ToString("x6"));
            foreach (var b in packet.Slice(offset, Math.Min(BytesPerLine, packet.Length - offset)))
                text.Append(' ').Append(b.ToString("x2"));
        }
        return text.ToString();
    }
}
