namespace FirmwareSim.Ip;

/// <summary>The answer to one packet (null when none is sent) and what happened, one of <see cref="IpOutcome"/>.</summary>
public readonly record struct IpReply(byte[]? Packet, string Outcome)
{
    public bool Answered => Packet is not null;
}
