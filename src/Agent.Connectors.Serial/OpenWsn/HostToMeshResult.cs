using System.Diagnostics.CodeAnalysis;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>
/// What <see cref="HostToMesh"/> made of one IPv6 packet: the raw PC-to-mote <c>D</c> frames to send in order (one, or
/// one per fragment), or why it was refused.
/// </summary>
public sealed record HostToMeshResult(IReadOnlyList<byte[]> Frames, Eui64 NextHop, int DatagramLength, Drop? Refusal)
{
    [MemberNotNullWhen(false, nameof(Refusal))]
    public bool Sent => Refusal is null;

    public static HostToMeshResult Success(IReadOnlyList<byte[]> frames, Eui64 nextHop, int datagramLength) =>
        new(frames, nextHop, datagramLength, null);

    public static HostToMeshResult Refuse(Drop refusal) => new([], default, 0, refusal);
}
