using Agent.Core.Connectors;
using Agent.Core.Drops;

namespace Agent.Core.Agents;

/// <summary>What a start message led to: an open device, or why none was opened.</summary>
public readonly record struct OpenResult(IConnector? Connector, Drop? Refusal)
{
    public static OpenResult Opened(IConnector connector) => new(connector, null);

    public static OpenResult Refused(Drop refusal) => new(null, refusal);
}
