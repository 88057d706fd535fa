using System.Net;
using System.Text;
using Serilog;
using Agent.Core.Addressing;
using Agent.Core.Drops;
using Agent.Core.Packets;

namespace Agent.Connectors.Serial.Payloads;

/// <summary>
/// Whole IP packets in each frame, border-router style (Contiki's tunslip6, RIOT's slipdev). A frame's first byte
/// says what it holds, never a guess (PROTOCOL.md 8): IPv6, IPv4, a command, a query (<c>?P</c>: the prefix), or a
/// text line the mote printed.
/// </summary>
public sealed class IpMotePayload : IMotePayload
{
    private readonly Ipv6Prefix _prefix;
    private readonly MoteAddresses _addresses;
    private readonly int _maxFrame;
    private readonly bool _forwardAll;
    private readonly ILogger _log;

    public IpMotePayload(Ipv6Prefix prefix, MoteAddresses addresses, int maxFrame, bool forwardAll, ILogger log)
    {
        _prefix = prefix;
        _addresses = addresses;
        _maxFrame = maxFrame;
        _forwardAll = forwardAll;
        _log = log;
    }

    public void FromMote(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> wire, IMoteLink link)
    {
        if (frame.IsEmpty)
        {
            link.Drop(new Drop(DropReason.EmptyFrame, "an HDLC frame with only its FCS"));
            return;
        }
        switch (frame[0])
        {
            case >= 0x60 and <= 0x6F or >= 0x45 and <= 0x4F:
                if (!IpPacket.IsWellFormed(frame, out var reason))
                {
                    link.Drop(new Drop(DropReason.NotIpPacket, reason));
                    return;
                }
                var source = Source(frame);
                if (_addresses.Learn(source))
                {
                    _log.Information("The mote's address is {Address}", source);
                    link.Changed();
                }
                link.Up(frame.ToArray(), null);
                return;
            case (byte)'?' when frame.SequenceEqual("?P"u8):
                // tunslip6's prefix exchange: "!P" and the 8 raw bytes of the /64.
                link.Reply([.. "!P"u8, .. _prefix.ToBytes()]);
                link.Print($"asked for its prefix; sent {_prefix}");
                return;
            case (byte)'?' or (byte)'!' or (byte)'\n' or (byte)'\r':
                link.Print(Encoding.ASCII.GetString(frame).Trim());
                return;
            default:
                link.Drop(new Drop(DropReason.UnknownFirstByte, $"first byte 0x{frame[0]:x2}, {frame.Length} bytes"));
                return;
        }
    }

    public Drop? CheckDownlink(ReadOnlySpan<byte> frame)
    {
        if (frame.Length > _maxFrame) return new Drop(DropReason.Oversize, $"{frame.Length} bytes, more than --max-frame {_maxFrame}");
        if (!IpPacket.IsWellFormed(frame, out var malformed)) return new Drop(DropReason.NotIpPacket, malformed);
        if (_forwardAll) return null;
        var destination = Destination(frame);
        return _addresses.Accepts(destination) ? null : new Drop(DropReason.NotForMote, $"for {destination}, not the mote", Quiet: true);
    }

    private static IPAddress Source(ReadOnlySpan<byte> packet) =>
        packet[0] >> 4 == 6 ? new IPAddress(packet.Slice(8, 16)) : new IPAddress(packet.Slice(12, 4));

    private static IPAddress Destination(ReadOnlySpan<byte> packet) =>
        packet[0] >> 4 == 6 ? new IPAddress(packet.Slice(24, 16)) : new IPAddress(packet.Slice(16, 4));
}
