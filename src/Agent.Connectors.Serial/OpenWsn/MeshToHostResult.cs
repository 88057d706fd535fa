using System.Net;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>What <see cref="MeshToHost.Accept"/> made of one bridged <c>D</c> frame.</summary>
public abstract record MeshToHostResult
{
    private MeshToHostResult()
    {
    }

    /// <summary>A whole IPv6 packet from the mesh, to forward (to the host, or back down if the destination is a mote, D.2.6).</summary>
    public sealed record Packet(ReadOnlyMemory<byte> Ipv6, IPAddress Source, IPAddress Destination) : MeshToHostResult;

    /// <summary>A DAO to the root, consumed: the topology now holds <paramref name="Mote"/>'s parents. Not forwarded (D.2.6).</summary>
    public sealed record Dao(Eui64 Mote, IReadOnlyList<Eui64> Parents, DaoMessage Message) : MeshToHostResult;

    /// <summary>A fragment stored; its datagram is not complete yet.</summary>
    public sealed record Waiting(bool Duplicate) : MeshToHostResult;

    /// <summary>Dropped, and why.</summary>
    public sealed record Dropped(Drop Drop) : MeshToHostResult;
}
