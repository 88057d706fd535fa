using System.Net;
using FirmwareSim.Ieee802154;
using FirmwareSim.Ip;

namespace FirmwareSim.Stack;

/// <summary>
/// A mote whose frames are IEEE 802.15.4 data frames without FCS (PROTOCOL.md 4) carrying uncompressed IPv6
/// after the 6LoWPAN dispatch 0x41 (RFC 4944 5.1). It answers ICMPv6 echo requests (and UDP echo) addressed to
/// its IPv6 address from a frame addressed to its extended address or to the broadcast address, with a data frame
/// back to the sender: same PAN, next sequence number, its own extended address as source.
/// </summary>
public sealed class Ieee802154MoteStack : IMoteStack
{
    public const byte DispatchIpv6 = 0x41;

    public const string BadHeader = "bad-802154-header";
    public const string NotData = "not-data-frame";
    public const string Secured = "secured-frame";
    public const string InformationElements = "information-elements";
    public const string NotForMe = "not-for-this-mac";
    public const string OtherDispatch = "not-uncompressed-ipv6";

    private readonly EventLog _log;
    private readonly byte[] _extendedOnAir;

    public Ieee802154MoteStack(MoteIdentity identity, EventLog log)
    {
        _log = log;
        _extendedOnAir = identity.Mac.OnAir();
        Host = new IpHost(identity.LinkLocal, identity.Address);
    }

    public IpHost Host { get; }

    public MoteCounters Counters { get; } = new();

    public IReadOnlyList<byte[]> Receive(ReadOnlySpan<byte> frame)
    {
        Counters.Received();
        if (!MacFrame.TryParse(frame, out var request, out var error)) return Ignore(BadHeader, $" ({error})");
        if (request!.FrameType != MacFrame.TypeData) return Ignore(NotData, $" (type {request.FrameType})");
        if (request.SecurityEnabled) return Ignore(Secured);
        if (request.IePresent) return Ignore(InformationElements);
        if (!ForMe(request)) return Ignore(NotForMe);
        if (request.Payload.Length == 0 || request.Payload[0] != DispatchIpv6)
            return Ignore(OtherDispatch, request.Payload.Length == 0 ? " (empty)" : $" (dispatch 0x{request.Payload[0]:x2})");

        var reply = Host.HandleIpv6(request.Payload.AsSpan(1));
        if (!reply.Answered) return Ignore(reply.Outcome);
        if (reply.Outcome == IpOutcome.Udp6Echo) Counters.UdpEchoed();
        else Counters.EchoReplied();

        // Back to the sender; a sender without an address (allowed towards a coordinator) gets a broadcast.
        var (mode, destination) = request.SourceMode == AddressMode.None
            ? (AddressMode.Short, new byte[] { 0xFF, 0xFF })
            : (request.SourceMode, request.SourceAddress);
        var frameOut = MacFrame.Data(
            version: request.Version <= 1 ? request.Version : 1,
            sequence: (byte)((request.Sequence ?? 0) + 1),
            pan: request.Pan ?? MacFrame.Broadcast,
            destinationMode: mode,
            destination: destination,
            sourceExtended: _extendedOnAir,
            payload: [DispatchIpv6, .. reply.Packet!]);
        _log.Event("echo", $"{reply.Outcome} answered, to {new IPAddress(reply.Packet.AsSpan(24, 16))} ({Convert.ToHexStringLower(destination)})");
        return [frameOut];
    }

    /// <summary>Nothing: this mote speaks only when spoken to.</summary>
    public IReadOnlyList<byte[]> Poll() => [];

    // Like a radio's address filter: our extended address or the broadcast short address.
    private bool ForMe(MacFrame frame) => frame.DestinationMode switch
    {
        AddressMode.Extended => frame.DestinationAddress.AsSpan().SequenceEqual(_extendedOnAir),
        AddressMode.Short => frame.DestinationAddress[0] == 0xFF && frame.DestinationAddress[1] == 0xFF,
        _ => false,
    };

    private IReadOnlyList<byte[]> Ignore(string reason, string detail = "")
    {
        Counters.Ignore(reason);
        _log.Event("ignored", $"frame ignored: {reason}{detail}");
        return [];
    }
}
