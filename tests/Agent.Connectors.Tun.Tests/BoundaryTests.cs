using Agent.Testing;

namespace Agent.Connectors.Tun.Tests;

/// <summary>A connector moves frames between its device and the relay; the bus is the agent's, never the connector's.</summary>
public sealed class BoundaryTests
{
    [Fact]
    public void The_connector_project_never_reaches_the_bus()
    {
        var assembly = typeof(TunKind).Assembly;
        Assert.DoesNotContain(assembly.GetReferencedAssemblies(), a => a.Name == "RabbitMQ.Client");
        Assert.Empty(Architecture.MembersUsing(assembly, "Agent.Core.Bus"));
        Assert.Empty(Architecture.MembersUsing(assembly, "RabbitMQ.Client"));
        // The check sees what it looks for: the agent itself holds the bus.
        Assert.Contains(Architecture.MembersUsing(typeof(Agent.Core.Agents.SessionAgent).Assembly, "Agent.Core.Bus"),
            m => m.StartsWith("Agent.Core.Agents.SessionAgent.", StringComparison.Ordinal));
    }
}
