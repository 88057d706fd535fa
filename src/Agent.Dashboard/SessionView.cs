using System.Net;
using Agent.Core.Capture;
using Agent.Core.Packets;
using Agent.Core.Protocol;
using Agent.Core.Stats;

namespace Agent.Dashboard;

/// <summary>
/// What the dashboard knows of the session: the same <see cref="SessionStatus"/> that <c>agent status</c> prints (stats,
/// announcements, router replicas, meshes), the last packets (<see cref="PacketRing"/>) and the packet rates drawn
/// from the stats (<see cref="RateHistory"/>). Thread-safe: the bus delivers while pages read.
/// </summary>
public sealed class SessionView
{
    private readonly TimeProvider _time;
    private Dictionary<IPAddress, string> _owners = [];
    private long _unreadable;

    public SessionView(TimeSpan keep, TimeProvider time, int maxPackets = PacketRing.DefaultMaxPackets, long maxBytes = PacketRing.DefaultMaxBytes)
    {
        _time = time;
        Status = new SessionStatus(time);
        Packets = new PacketRing(keep, maxPackets, maxBytes, time);
        Rates = new RateHistory(TimeSpan.FromMinutes(5), time);
    }

    /// <summary>What <c>agent status</c> listens to, and every agent's packets.</summary>
    public static IReadOnlyList<string> BindingKeys { get; } = [.. SessionStatus.BindingKeys, Topics.AllIpPacketsUp, Topics.AllSerialPacketsUp];

    public SessionStatus Status { get; }

    public PacketRing Packets { get; }

    public RateHistory Rates { get; }

    /// <summary>Packet messages whose body could not be read (counted, not shown).</summary>
    public long Unreadable => Interlocked.Read(ref _unreadable);

    public void Observe(string routingKey, ReadOnlySpan<byte> body)
    {
        if (!CaptureRecord.IsPacketKey(routingKey, out _, out _))
        {
            Status.Observe(routingKey, body);
            return;
        }
        if (!CaptureRecord.TryParse(routingKey, body, _time.GetUtcNow(), out var record, out _))
        {
            Interlocked.Increment(ref _unreadable);
            return;
        }
        Packets.Add(record!, To(record!), Line(record!));
    }

    /// <summary>About once a second: a point for the sparklines, and who owns which address now.</summary>
    public void Tick()
    {
        var agents = Status.Agents;
        Rates.Sample(agents);
        var owners = new Dictionary<IPAddress, string>();
        foreach (var agent in agents)
        {
            foreach (var text in agent.Addresses)
            {
                var address = text.Split('/')[0];
                if (IPAddress.TryParse(address, out var ip)) owners.TryAdd(ip, agent.Name);
            }
        }
        Volatile.Write(ref _owners, owners);
    }

    /// <summary>The packet in one line, as the agents' logs write it: <c>104 B bbbb::1 -> bbbb::2 ICMPv6 echo-request id 7 seq 1</c>.</summary>
    public static string Line(CaptureRecord record) => record.LinkType == LinkType.RawIp
        ? $"{record.Data.Length} B {IpPacket.Describe(record.Data)}"
        : $"{record.Data.Length} B 802.15.4 frame";

    /// <summary>The agent that owns the destination address, else the address; <c>-</c> for what is not IP.</summary>
    private string To(CaptureRecord record)
    {
        if (record.LinkType != LinkType.RawIp || !IpPacket.IsWellFormed(record.Data, out _)) return "-";
        var data = record.Data;
        var destination = data[0] >> 4 == 6 ? new IPAddress(data.AsSpan(24, 16)) : new IPAddress(data.AsSpan(16, 4));
        return Volatile.Read(ref _owners).TryGetValue(destination, out var name) ? name : destination.ToString();
    }
}
