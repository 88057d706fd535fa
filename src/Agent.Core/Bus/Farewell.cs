using Agent.Core.Protocol;

namespace Agent.Core.Bus;

/// <summary>The last word of a component on the bus: <c>testingtool.component.shutdown</c>, bounded so that a dead or slow broker never delays exit.</summary>
public static class Farewell
{
    public static async Task SayAsync(IMessageBus bus, string component)
    {
        using var bound = new CancellationTokenSource(BusOptions.ShutdownBound);
        try
        {
            await bus.TryPublishAsync(Topics.ComponentShutdown, ComponentMessage.Shutdown(component).ToJson(), bound.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
