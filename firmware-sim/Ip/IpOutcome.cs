namespace FirmwareSim.Ip;

/// <summary>What the mote did with one packet: the names its counters and log lines use.</summary>
public static class IpOutcome
{
    public const string Icmpv6Echo = "icmpv6-echo";
    public const string Udp6Echo = "udp6-echo";
    public const string IcmpEcho = "icmp-echo";
    public const string Udp4Echo = "udp4-echo";

    public const string Malformed = "malformed";
    public const string NotForMe = "not-for-me";
    public const string BadChecksum = "bad-checksum";
    public const string Fragment = "ipv4-fragment";
    public const string NoIpv4Address = "no-ipv4-address";
    public const string UnhandledProtocol = "unhandled-protocol";
    public const string UnhandledIcmp = "unhandled-icmp";
    public const string ClosedPort = "closed-port";
}
