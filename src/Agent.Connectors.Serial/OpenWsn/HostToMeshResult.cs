using System.Diagnostics.CodeAnalysis;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>
/// What <see cref="HostToMesh"/> made of one IPv6 packet: the raw PC-to-mote <c>D</c> frames to send in order (one, or
/// one per fragment), or the <see cref="HostToMeshDropReasons"/> reason it was dropped.
/// </summary>
public sealed record HostToMeshResult(IReadOnlyList<byte[]> Frames, Eui64 NextHop, int DatagramLength, string? DropReason, string Detail)
{
    [MemberNotNullWhen(false, nameof(DropReason))]
    public bool Sent => DropReason is null;

    public static HostToMeshResult Success(IReadOnlyList<byte[]> frames, Eui64 nextHop, int datagramLength) =>
        new(frames, nextHop, datagramLength, null, "");

    public static HostToMeshResult Drop(string reason, string detail) => new([], default, 0, reason, detail);
}
