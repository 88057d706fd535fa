using System.Net.Sockets;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Agent.Core.Bus;
using Agent.Core.Protocol;
using Agent.Core.Stats;

namespace Agent.Cli.Doctor;

/// <summary>
/// The session broker, one step at a time, each failure said once: the port answers, the login and the vhost are
/// accepted, the exchange exists, and (with a name) no agent of that name answers a stats request already.
/// </summary>
public static class BrokerChecks
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(5);

    /// <summary>How long another agent of the name has to answer a stats request.</summary>
    public static readonly TimeSpan NameWait = TimeSpan.FromSeconds(2);

    public static async Task<IReadOnlyList<Check>> RunAsync(BusOptions options, AgentName? name, CancellationToken cancellationToken)
    {
        var url = options.Url;
        var port = url.Address.Port > 0 ? url.Address.Port : url.IsTls ? 5671 : 5672;
        var checks = new List<Check>();
        var reach = $"broker {url.Address.Host}:{port} reachable";
        using (var client = new TcpClient())
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(Step);
            try
            {
                await client.ConnectAsync(url.Address.Host, port, timeout.Token);
                checks.Add(Check.Ok(reach));
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                checks.Add(Check.Fail(reach, e is SocketException s ? s.Message : $"no answer within {Step.TotalSeconds:0} s",
                    $"check the host and port in --url ({url.Masked}), that RabbitMQ runs there (systemctl status rabbitmq-server) and that no firewall is in the way"));
                return [.. checks, .. Skip(options, name, "the broker is unreachable")];
            }
        }

        var login = $"login and vhost of {url.Masked}";
        var factory = new ConnectionFactory { Uri = url.Address, RequestedConnectionTimeout = Step, ClientProvidedName = "agent doctor", AutomaticRecoveryEnabled = false };
        (url.IsTls ? options.Tls ?? new BrokerTls() : null)?.Apply(factory.Ssl, url.Address.Host);
        IConnection? connection = null;
        IChannel channel;
        try
        {
            // A missing or forbidden vhost ends the connection right after it opened: the first channel tells.
            connection = await factory.CreateConnectionAsync(cancellationToken);
            channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            checks.Add(Check.Ok($"{login} accepted"));
        }
        catch (Exception e) when (e is BrokerUnreachableException or OperationInterruptedException or AlreadyClosedException)
        {
            if (connection is not null) await connection.DisposeAsync();
            var why = (e as OperationInterruptedException)?.ShutdownReason?.ReplyText ?? Innermost(e);
            checks.Add(e.InnerException is AuthenticationFailureException
                ? Check.Fail(login, $"login refused ({why})", "check the user and password in the URL; on the broker: rabbitmqctl authenticate_user USER PASSWORD")
                : why.Contains("vhost", StringComparison.OrdinalIgnoreCase)
                    ? Check.Fail(login, why, "on the broker: rabbitmqctl add_vhost VHOST; rabbitmqctl set_permissions -p VHOST USER '.*' '.*' '.*' (the vhost is the URL's path)")
                    : Check.Fail(login, why, url.IsTls ? "run agent status with the same options to see the TLS error in full" : "check the URL"));
            return [.. checks, .. Skip(options, name, "no connection")];
        }

        await using (connection)
        {
            var exchange = $"exchange {options.Exchange}";
            try
            {
                await using (channel) await channel.ExchangeDeclarePassiveAsync(options.Exchange, cancellationToken);
                checks.Add(Check.Ok($"{exchange} present"));
            }
            catch (OperationInterruptedException e)
            {
                checks.Add(Check.Fail(exchange, $"missing ({e.ShutdownReason?.ReplyText ?? e.Message})",
                    $"give the session's exchange with --exchange (default {BusOptions.DefaultExchange}), or declare it: rabbitmqadmin declare exchange name={options.Exchange} type=topic durable=true"));
                return [.. checks, .. Skip(options with { Exchange = "" }, name, "no exchange")];
            }
            if (name is { } agent) checks.Add(await NameFreeAsync(connection, options.Exchange, agent, cancellationToken));
        }
        return checks;
    }

    private static async Task<Check> NameFreeAsync(IConnection connection, string exchange, AgentName name, CancellationToken cancellationToken)
    {
        var what = $"name {name} free in the session";
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellationToken)).QueueName;
        await channel.QueueBindAsync(queue, exchange, StatsKeys.Agent(name), cancellationToken: cancellationToken);
        await channel.BasicPublishAsync(exchange, StatsKeys.Request, StatsKeys.RequestBody("agent doctor"), cancellationToken);
        var deadline = DateTime.UtcNow + NameWait;
        while (DateTime.UtcNow < deadline)
        {
            if (await channel.BasicGetAsync(queue, autoAck: true, cancellationToken) is not null)
                return Check.Fail(what, $"an agent named {name} runs in this session (it answered a stats request)",
                    "pick another --name, or stop the other agent (agent status lists the session's agents)");
            await Task.Delay(100, cancellationToken);
        }
        return Check.Ok($"{what} (no answer to a stats request within {NameWait.TotalSeconds:0} s)");
    }

    private static IEnumerable<Check> Skip(BusOptions options, AgentName? name, string because)
    {
        if (options.Exchange.Length > 0) yield return Check.Skipped($"exchange {options.Exchange}", because);
        if (name is not null) yield return Check.Skipped($"name {name} free in the session", because);
    }

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e.Message;
    }
}
