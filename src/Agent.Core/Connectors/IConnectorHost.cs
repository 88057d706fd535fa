using Agent.Core.Drops;

namespace Agent.Core.Connectors;

/// <summary>What a running connector may tell the agent above it, from any thread. Nothing else reaches back up.</summary>
public interface IConnectorHost
{
    /// <summary>Something the device gave, or was to be given, went nowhere: counted and logged (rate-limited).</summary>
    void Dropped(Drop drop);

    /// <summary>A line of text the device printed (a mote's debug output): logged, control characters escaped.</summary>
    void Printed(string text);

    /// <summary>What the agent announces about the device has changed (an address learnt, a port reopened).</summary>
    void Changed();

    /// <summary>Writes a frame to the device through the one write path, behind what the bus sent before it.</summary>
    void Send(Outbound frame);
}
