namespace Agent.Core.Bus;

/// <summary>A queue bound and consumed by <see cref="IMessageBus.SubscribeAsync"/>.</summary>
public interface IBusSubscription
{
    /// <summary>
    /// Binds one more key to the queue while it is consumed (a router-less agent binds each peer it learns). The binding
    /// is kept across a reconnect and when a deleted queue is declared again.
    /// </summary>
    Task BindAsync(string key, CancellationToken cancellationToken);
}
