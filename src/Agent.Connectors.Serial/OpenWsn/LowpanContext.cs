using Agent.Core.Addressing;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>What a 6LoWPAN datagram from the mesh leaves out and the gateway fills in (OPENWSN.md D.2.3).</summary>
/// <param name="Prefix">The network prefix: the implicit context 0, used when SAC/DAC = 1.</param>
/// <param name="Root">The DAG root's EUI-64 (the <c>D</c> header at offset 8): the IID when DAM = 11.</param>
/// <param name="PreviousHop">The root's child that sent the frame (<c>D</c> header at offset 16): the IID when SAM = 11.</param>
public readonly record struct LowpanContext(Ipv6Prefix Prefix, Eui64 Root, Eui64 PreviousHop);
