namespace Agent.IntegrationTests;

/// <summary>
/// A broker user of the tests' own, with a password that appears nowhere else, and a session (vhost) it may use:
/// created once, on first use (each rabbitmqctl call takes seconds), deleted at the end.
/// </summary>
public sealed class SessionUser : IAsyncLifetime
{
    private readonly SemaphoreSlim _creating = new(1, 1);
    private BrokerFixture? _broker;

    public string Name { get; } = $"pwtest-{Environment.ProcessId}";

    public string Password { get; } = $"pw{Guid.NewGuid():N}";

    public string Vhost { get; } = $"password-{Environment.ProcessId}";

    /// <summary>amqp://USER:PASSWORD@localhost:PORT/VHOST, the user and session created if need be.</summary>
    public async Task<string> UrlAsync(BrokerFixture broker)
    {
        await _creating.WaitAsync();
        try
        {
            if (_broker is null)
            {
                await broker.CreateSessionAsync(Vhost);
                await broker.CtlAsync("add_user", Name, Password);
                await broker.CtlAsync("set_permissions", "-p", Vhost, Name, ".*", ".*", ".*");
                _broker = broker;
            }
        }
        finally
        {
            _creating.Release();
        }
        return $"amqp://{Name}:{Password}@localhost:{broker.Port}/{Vhost}";
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_broker is null) return;
        await _broker.CtlAsync("delete_user", Name);
        await _broker.DeleteSessionAsync(Vhost);
    }
}
