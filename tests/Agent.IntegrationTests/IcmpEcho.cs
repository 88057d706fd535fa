using System.Net;

namespace Agent.IntegrationTests;

/// <summary>An ICMP or ICMPv6 echo request or reply, as parsed from a whole IP packet.</summary>
public sealed record IcmpEcho(IPAddress Source, IPAddress Destination, bool IsReply, ushort Identifier, ushort Sequence, byte[] Payload);
