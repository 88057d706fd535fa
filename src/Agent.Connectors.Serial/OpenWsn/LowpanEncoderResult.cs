using System.Diagnostics.CodeAnalysis;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>
/// What <see cref="LowpanEncoder"/> made of one IPv6 packet: the 6LoWPAN datagram (not yet fragmented) and the L2 next
/// hop the DAG root must send it to, or the <see cref="HostToMeshDropReasons"/> reason it was dropped.
/// </summary>
public readonly record struct LowpanEncoderResult(byte[]? Datagram, Eui64 NextHop, string? DropReason, string Detail)
{
    [MemberNotNullWhen(true, nameof(Datagram))]
    [MemberNotNullWhen(false, nameof(DropReason))]
    public bool Encoded => Datagram is not null;

    public static LowpanEncoderResult Success(byte[] datagram, Eui64 nextHop) => new(datagram, nextHop, null, "");

    public static LowpanEncoderResult Drop(string reason, string detail) => new(null, default, reason, detail);
}
