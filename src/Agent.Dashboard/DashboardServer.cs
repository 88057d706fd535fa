using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agent.Dashboard;

/// <summary>
/// The page and its feed, on Kestrel: <c>/</c> and its files (embedded in this assembly), <c>/events</c> (Server-Sent
/// Events: the state every second, the new packets every half second), <c>/state</c> (the same state once, for
/// scripts), <c>/capture.pcapng?minutes=N</c> (the last minutes of packets). Every request passes the token check.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    /// <summary>How many packets a page gets when it opens, and at most per event after that.</summary>
    public const int PacketsPerEvent = 200;

    private static readonly TimeSpan PacketTick = TimeSpan.FromMilliseconds(500);

    private readonly WebApplication _app;

    private DashboardServer(WebApplication app) => _app = app;

    /// <summary>The bound address, such as <c>http://127.0.0.1:8080</c> (the real port when 0 was asked).</summary>
    public int Port { get; private set; }

    public static async Task<DashboardServer> StartAsync(DashboardAccess access, SessionView view, TimeProvider time, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders(); // our own log lines only
        builder.WebHost.ConfigureKestrel(k => k.Listen(access.EndPoint));
        var app = builder.Build();
        var stopping = app.Lifetime.ApplicationStopping;

        app.Use(async (context, next) =>
        {
            var request = context.Request;
            var query = request.Query["token"].FirstOrDefault();
            if (access.Allows(query, request.Headers[DashboardAccess.TokenHeader].FirstOrDefault(),
                    request.Headers.Authorization.FirstOrDefault(), request.Cookies[DashboardAccess.TokenCookie]))
            {
                if (query is not null && access.Token is not null)
                {
                    context.Response.Cookies.Append(DashboardAccess.TokenCookie, access.Token,
                        new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
                }
                context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:";
                context.Response.Headers.XContentTypeOptions = "nosniff";
                await next(context);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync("This dashboard needs its token: open it as http://HOST:PORT/?token=SECRET\n");
        });
        // RequestDelegate endpoints: no reflection over handler parameters, so the Native AOT build serves them too.
        app.MapGet("/state", context => Results.Text(DashboardJson.State(view, time.GetUtcNow()), "application/json; charset=utf-8").ExecuteAsync(context));
        app.MapGet("/capture.pcapng", context =>
        {
            var asked = double.TryParse(context.Request.Query["minutes"].FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var m) ? m : 0;
            var span = TimeSpan.FromMinutes(asked is > 0 and < 10_000 ? asked : view.Packets.Keep.TotalMinutes);
            var name = string.Create(CultureInfo.InvariantCulture, $"session-{time.GetLocalNow():yyyyMMdd-HHmmss}.pcapng");
            return Results.File(view.Packets.PcapNg(span), "application/octet-stream", name).ExecuteAsync(context);
        });
        app.MapGet("/events", context => StreamAsync(context, view, time, stopping));
        app.MapGet("/{**path}", context =>
        {
            var path = context.Request.RouteValues["path"] as string;
            return File(string.IsNullOrEmpty(path) ? "index.html" : path).ExecuteAsync(context);
        });

        await app.StartAsync(cancellationToken);
        return new DashboardServer(app) { Port = new Uri(app.Urls.First()).Port };
    }

    /// <summary>
    /// One page's feed until it goes away or the dashboard stops (watching only the request would hold a stop for
    /// Kestrel's 30 s shutdown timeout while a page is open).
    /// </summary>
    private static async Task StreamAsync(HttpContext context, SessionView view, TimeProvider time, CancellationToken stopping)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var cancellationToken = both.Token;
        var response = context.Response;
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var sent = Math.Max(0, view.Packets.LastSequence - PacketsPerEvent);
        try
        {
            for (var tick = 0L; ; tick++)
            {
                if (tick % 2 == 0) await response.WriteAsync($"event: state\ndata: {DashboardJson.State(view, time.GetUtcNow())}\n\n", cancellationToken);
                var packets = view.Packets.After(sent, PacketsPerEvent);
                if (packets.Count > 0)
                {
                    sent = packets[^1].Sequence;
                    await response.WriteAsync($"event: packets\ndata: {DashboardJson.Packets(packets)}\n\n", cancellationToken);
                }
                await response.Body.FlushAsync(cancellationToken);
                await Task.Delay(PacketTick, time, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The page closed, or the dashboard stops.
        }
    }

    private static IResult File(string path)
    {
        var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("wwwroot/" + path);
        if (stream is null) return Results.NotFound();
        var type = Path.GetExtension(path) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".svg" => "image/svg+xml",
            _ => "text/plain; charset=utf-8",
        };
        return Results.Stream(stream, type);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
