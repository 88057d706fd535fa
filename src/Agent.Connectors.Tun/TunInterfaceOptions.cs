namespace Agent.Connectors.Tun;

/// <summary>How to create and place the TUN interface.</summary>
/// <param name="NamePattern">"tun%d" lets the kernel pick a free name; a plain name ("tun7") asks for exactly that one.</param>
/// <param name="Mtu">MTU set on the interface.</param>
/// <param name="Netns">An existing network namespace to move the interface into, or null to leave it where the agent runs.</param>
public sealed record TunInterfaceOptions(string NamePattern = "tun%d", int Mtu = 1500, string? Netns = null);
