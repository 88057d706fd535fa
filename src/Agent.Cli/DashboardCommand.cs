using System.CommandLine;
using Agent.Core.Agents;
using Agent.Core.Bus;
using Agent.Core.Stats;
using Agent.Dashboard;

namespace Agent.Cli;

/// <summary>
/// <c>agent dashboard</c>: the session live in a browser, served by this process. It listens to what <c>agent status</c>
/// listens to (and asks for fresh stats every second, as <c>--watch</c>), plus every agent's packets.
/// </summary>
public static class DashboardCommand
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);

    public static Command Create(GlobalOptions global, TimeProvider time)
    {
        var listen = new Option<string>("--listen")
        {
            Description = "Address and port to serve the page on; one that is not loopback needs --token",
            DefaultValueFactory = _ => DashboardAccess.DefaultListen,
            HelpName = "ADDRESS:PORT",
        };
        var token = new Option<string?>("--token")
        {
            Description = "A secret the page's URL (?token=SECRET) or a header (Authorization: Bearer SECRET) must carry; needed to listen beyond loopback",
            HelpName = "SECRET",
        };
        var tokenFile = new Option<string?>("--token-file")
        {
            Description = "Read the token from this file (its first line) instead of --token, so that it stays out of the process list; keep it chmod 600",
            HelpName = "FILE",
        };
        var keep = new Option<double>("--keep")
        {
            Description = "Minutes of packets kept in memory for the list and the pcapng download (also at most 200000 packets, 64 MB)",
            DefaultValueFactory = _ => 10,
            HelpName = "MINUTES",
        };
        var command = new Command("dashboard", """
            Serve a live page of the session: every agent's counters with packet-rate sparklines, the router replicas, the OpenWSN
            meshes drawn as trees, the last packets, and a pcapng download of the last minutes. Open the URL it prints.

            Examples:
              agent dashboard --url amqp://user:pass@broker/session
              agent dashboard --url amqp://user:pass@broker/session --listen 127.0.0.1:9000 --keep 30
              agent dashboard --url amqp://user:pass@broker/session --listen 0.0.0.0:8080 --token-file dashboard.token
              (openssl rand -hex 16 > dashboard.token; chmod 600 dashboard.token; then open http://HOST:8080/?token=THAT)
            """);
        command.Options.Add(listen);
        command.Options.Add(token);
        command.Options.Add(tokenFile);
        command.Options.Add(keep);
        command.SetAction((result, cancel) => CommandRunner.RunAsync(global, result, "dashboard", cancel, async (log, cancellationToken) =>
        {
            var warnings = new List<string>();
            var secret = (result.GetValue(token), result.GetValue(tokenFile)) switch
            {
                ({ }, { }) => throw new UsageException("give --token or --token-file, not both"),
                (null, { } file) => SecretFile.ReadLine(file, "--token-file", "the token", warnings),
                var (given, _) => given,
            };
            DashboardAccess access;
            try
            {
                access = DashboardAccess.Create(result.GetValue(listen)!, secret);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            var minutes = result.GetValue(keep);
            if (!(minutes > 0) || minutes > 24 * 60) throw new UsageException("--keep must be a number of minutes between 0 and 1440");
            var busOptions = global.Bus(result, "agent dashboard");

            foreach (var warning in warnings) log.Warning("{Warning}", warning);
            await using var bus = await RabbitMqBus.ConnectAsync(busOptions, log, time, cancellationToken);
            var view = new SessionView(TimeSpan.FromMinutes(minutes), time);
            await bus.SubscribeAsync(SessionView.BindingKeys, (key, body, _) =>
            {
                view.Observe(key, body.Span);
                return ValueTask.CompletedTask;
            }, cancellationToken);

            DashboardServer server;
            try
            {
                server = await DashboardServer.StartAsync(access, view, time, cancellationToken);
            }
            catch (IOException e)
            {
                throw new AgentStartException($"cannot listen on {result.GetValue(listen)}: {e.Message}", e);
            }
            await using (server)
            {
                log.Information("Dashboard of {Session} on {Url}", busOptions.Url.Masked, access.PageUrl(server.Port));
                try
                {
                    while (true)
                    {
                        if (!await bus.TryPublishAsync(StatsKeys.Request, StatsKeys.RequestBody("agent dashboard"), cancellationToken))
                            log.Debug("Could not publish {Key} (broker connection lost)", StatsKeys.Request);
                        await Task.Delay(Refresh, time, cancellationToken);
                        view.Tick();
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    log.Information("Dashboard stopped");
                }
            }
        }));
        return command;
    }
}
