using System.Net;
using System.Net.Http.Headers;

namespace Agent.Dashboard.Tests;

/// <summary>The real Kestrel server on a free loopback port, asked over HTTP as a browser would.</summary>
public sealed class DashboardServerTests : IAsyncLifetime
{
    private const string Token = "s3cret-token";

    private readonly SessionView _view = new(TimeSpan.FromMinutes(10), TimeProvider.System);
    private readonly HttpClient _http = new(new HttpClientHandler { UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };
    private DashboardServer? _server;

    private string Url(string path) => $"http://127.0.0.1:{_server!.Port}/{path}";

    public async Task InitializeAsync()
    {
        _server = await DashboardServer.StartAsync(DashboardAccess.Create("127.0.0.1:0", Token), _view, TimeProvider.System, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_server is not null) await _server.DisposeAsync();
    }

    [Fact]
    public async Task Without_the_token_every_path_is_refused()
    {
        foreach (var path in new[] { "", "app.js", "events", "state", "capture.pcapng", "?token=wrong-token" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await _http.GetAsync(Url(path))).StatusCode);
    }

    [Fact]
    public async Task The_page_and_its_files_are_served_from_the_assembly()
    {
        var page = await _http.GetAsync(Url($"?token={Token}"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<script src=\"app.js\"", await page.Content.ReadAsStringAsync());
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());

        // The page's own files come without the token in their URLs: the cookie the page got carries it.
        var cookie = page.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie);
        Assert.Contains("samesite=strict", cookie);
        foreach (var path in new[] { "app.js", "style.css", "vendor/d3-hierarchy.min.js", "vendor/d3-hierarchy.LICENSE" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Url(path));
            request.Headers.Add("Cookie", cookie.Split(';')[0]);
            Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(request)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync(Url($"nope.js?token={Token}"))).StatusCode);
    }

    [Fact]
    public async Task The_events_stream_the_state_and_the_new_packets()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url("events"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        Assert.Equal("event: state", await reader.ReadLineAsync());
        Assert.StartsWith("data: {\"agents\":[]", await reader.ReadLineAsync());
        _view.Observe("fromAgent.agent_1.ip.tun.packet.raw", Packets.Body(Packets.EchoRequest("bbbb::1", "bbbb::2"), DateTimeOffset.UtcNow));
        string? line;
        while ((line = await reader.ReadLineAsync()) != "event: packets") Assert.NotNull(line);
        var packet = System.Text.Json.Nodes.JsonNode.Parse((await reader.ReadLineAsync())!["data: ".Length..])![0]!;
        Assert.Equal(("agent_1", "bbbb::2"), ((string)packet["from"]!, (string)packet["to"]!));
        Assert.StartsWith("56 B bbbb::1 -> bbbb::2 ICMPv6 echo-request", (string)packet["line"]!);
    }

    [Fact]
    public async Task The_download_is_a_pcapng_file_of_the_last_minutes()
    {
        _view.Observe("fromAgent.agent_1.ip.tun.packet.raw", Packets.Body(Packets.EchoRequest("bbbb::1", "bbbb::2"), DateTimeOffset.UtcNow));
        using var request = new HttpRequestMessage(HttpMethod.Get, Url("capture.pcapng?minutes=5"));
        request.Headers.Add(DashboardAccess.TokenHeader, Token);
        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.EndsWith(".pcapng", response.Content.Headers.ContentDisposition.FileName);
        var file = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(0x0A0D0D0Au, BitConverter.ToUInt32(file));
        Assert.True(file.Length > 100, $"{file.Length} bytes");
    }

    [Fact]
    public async Task Stopping_with_a_page_open_takes_no_shutdown_timeout()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url($"events?token={Token}"));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await _server!.DisposeAsync();
        _server = null;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {clock.Elapsed}");
    }
}
