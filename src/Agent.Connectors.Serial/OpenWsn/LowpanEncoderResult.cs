using System.Diagnostics.CodeAnalysis;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>
/// What <see cref="LowpanEncoder"/> made of one IPv6 packet: the 6LoWPAN datagram (not yet fragmented) and the L2 next
/// hop the DAG root must send it to, or why it was refused.
/// </summary>
public readonly record struct LowpanEncoderResult(byte[]? Datagram, Eui64 NextHop, Drop? Refusal)
{
    [MemberNotNullWhen(true, nameof(Datagram))]
    [MemberNotNullWhen(false, nameof(Refusal))]
    public bool Encoded => Datagram is not null;

    public static LowpanEncoderResult Success(byte[] datagram, Eui64 nextHop) => new(datagram, nextHop, null);

    public static LowpanEncoderResult Refuse(DropReason reason, string detail) => new(null, default, new Drop(reason, detail));
}
