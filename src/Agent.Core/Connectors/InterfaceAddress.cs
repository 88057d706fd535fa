using System.Net;

namespace Agent.Core.Connectors;

/// <summary>An address to put on an interface, with its prefix length (bbbb::1/64, 10.2.0.1/24).</summary>
public readonly record struct InterfaceAddress(IPAddress Address, int PrefixLength)
{
    public override string ToString() => $"{Address}/{PrefixLength}";
}
