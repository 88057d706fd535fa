using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Agent.IntegrationTests;

/// <summary>
/// Debian's headless Chromium driven over the Chrome DevTools Protocol, with nothing but a WebSocket: start it, open a
/// page, evaluate JavaScript in it, wait for a condition on the rendered DOM, take a screenshot. Requests and their
/// answers only; events are skipped.
/// </summary>
public sealed class HeadlessChrome : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private int _nextId;

    private HeadlessChrome(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary><c>chromium-headless-shell</c> (what .ci/run installs: half the size and start time), else <c>chromium --headless</c>.</summary>
    public static string? Executable =>
        new[] { "/usr/bin/chromium-headless-shell", "/usr/bin/chromium" }.FirstOrDefault(File.Exists);

    public static async Task<HeadlessChrome> StartAsync(TimeSpan timeout)
    {
        var executable = Executable ?? throw new InvalidOperationException("neither chromium-headless-shell nor chromium is installed (.ci/run installs chromium-headless-shell)");
        var profile = Directory.CreateTempSubdirectory("agent-chrome-").FullName;
        var start = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        string[] flags =
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--window-size=1400,1100", "--remote-debugging-port=0",
            $"--user-data-dir={profile}", "about:blank",
        ];
        foreach (var flag in flags) start.ArgumentList.Add(flag);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { }; // dbus complaints: drained so the pipe never fills
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var chrome = new HeadlessChrome(process, profile);
        try
        {
            // Chromium writes "<port>\n<browser path>" here once DevTools listens.
            var portFile = Path.Combine(profile, "DevToolsActivePort");
            var deadline = DateTime.UtcNow + timeout;
            string[] lines = [];
            while ((lines = TryRead(portFile)).Length < 2)
            {
                if (DateTime.UtcNow > deadline || process.HasExited) throw new TimeoutException($"{executable} opened no DevTools port within {timeout}");
                await Task.Delay(50);
            }
            using var http = new HttpClient();
            var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{lines[0]}/json/list"))!.AsArray();
            var page = targets.First(t => (string?)t!["type"] == "page")!;
            await chrome._socket.ConnectAsync(new Uri((string)page["webSocketDebuggerUrl"]!), CancellationToken.None);
            return chrome;
        }
        catch
        {
            await chrome.DisposeAsync();
            throw;
        }
    }

    private static string[] TryRead(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (IOException)
        {
            return [];
        }
    }

    public async Task<JsonNode> SendAsync(string method, object? parameters = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters ?? new { } }),
            WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await _socket.ReceiveAsync(buffer, timeout.Token);
                message.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);
            var node = JsonNode.Parse(message.ToArray())!;
            if ((int?)node["id"] != id) continue; // an event
            if (node["error"] is { } error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
            return node["result"]!;
        }
    }

    public Task NavigateAsync(string url) => SendAsync("Page.navigate", new { url });

    public async Task<JsonNode?> EvalAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true });
        if (result["exceptionDetails"] is { } exception) throw new InvalidOperationException($"{expression}: {exception.ToJsonString()}");
        return result["result"]?["value"];
    }

    /// <summary>
    /// Polls a JavaScript condition on the page until it holds (one that throws, as on a page still loading, does not
    /// hold yet); fails with the page's text otherwise.
    /// </summary>
    public async Task WaitForAsync(string condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if ((await EvalAsync($"(() => {{ try {{ return !!({condition}); }} catch {{ return false; }} }})()"))?.GetValue<bool>() == true) return;
            await Task.Delay(200);
        }
        var text = (await EvalAsync("document.body.innerText"))?.ToString() ?? "";
        throw new TimeoutException($"never true within {timeout}: {condition}\npage:\n{text[..Math.Min(text.Length, 3000)]}");
    }

    public async Task<byte[]> ScreenshotAsync() =>
        Convert.FromBase64String((string)(await SendAsync("Page.captureScreenshot", new { format = "png", captureBeyondViewport = true }))["data"]!);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open) await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
        catch (WebSocketException)
        {
        }
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _socket.Dispose();
        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // a child still writing: the temp folder keeps it
        }
    }
}
