using System.Net;
using System.Text.RegularExpressions;

namespace Agent.IntegrationTests;

/// <summary>
/// <c>agent dashboard</c> in Debian's headless Chromium (issue 15's acceptance): a session of a router, two TUN agents in
/// their namespaces and the simulated OpenWSN mesh of 4 motes behind <c>agent serial</c>; the page is read from its
/// rendered DOM over the DevTools protocol. One browser, one session, for the CI budget.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class DashboardTests(BrokerFixture broker)
{
    private const string Token = "dashboard-test-token";
    private const string MoteC = "bbbb::1415:92cc:0:4";

    private static string Rows(string agent, string column) => $"Number(document.querySelector('tr.agent[data-name=\"{agent}\"] td.{column}')?.textContent)";

    [Fact]
    public async Task The_page_shows_the_agents_live_the_mesh_drawn_the_last_packets_and_downloads_pcapng()
    {
        var chromeStarting = HeadlessChrome.StartAsync(TimeSpan.FromSeconds(60)); // meanwhile the session starts
        var url = await broker.CreateSessionAsync($"dashboard-{Environment.ProcessId}");
        await using var ns1 = await Netns.CreateAsync("agt-d1");
        await using var ns2 = await Netns.CreateAsync("agt-d2");
        var port = $"/tmp/agent-mesh-dashboard-{Environment.ProcessId}";
        await using var router = AgentProcess.Start("router", "router", "--url", url);
        await using var mesh = AgentProcess.StartMote("mesh", "--link", port, "--payload", "openwsn", "--motes", "4");
        await mesh.WaitForLineAsync(Regex.Escape(port));
        await using var agent3 = AgentProcess.Start("agent_3", "serial", "--url", url, "--name", "agent_3", "--port", port, "--payload", "openwsn");
        await using var agent1 = AgentProcess.Start("agent_1", "tun", "--url", url, "--name", "agent_1", "--netns", ns1.Name);
        await using var agent2 = AgentProcess.Start("agent_2", "tun", "--url", url, "--name", "agent_2", "--netns", ns2.Name);
        await using var dashboard = AgentProcess.Start("dashboard", "dashboard", "--url", url, "--listen", "127.0.0.1:0", "--token", Token);
        var page = (await dashboard.WaitForLineAsync(@"Dashboard of \S+ on (http://127\.0\.0\.1:\d+/\?token=\S+)", TimeSpan.FromSeconds(60))).Groups[1].Value;
        await agent1.WaitForLineAsync(@"Interface tun\d+ is up");
        await agent2.WaitForLineAsync(@"Interface tun\d+ is up");
        await agent3.WaitForLineAsync("is DAG root of bbbb::/64", TimeSpan.FromSeconds(60));
        await router.WaitForLineAsync("agent_3 owns bbbb::1415:92cc:0:1");

        await using var chrome = await chromeStarting;
        await chrome.NavigateAsync(page);
        await chrome.WaitForAsync("document.getElementById('connection').textContent === 'live'", TimeSpan.FromSeconds(60));
        await chrome.WaitForAsync("document.querySelectorAll('tr.agent').length === 3", TimeSpan.FromSeconds(60));
        Assert.Equal("agent_1 agent_2 agent_3", (await chrome.EvalAsync("[...document.querySelectorAll('tr.agent')].map(r => r.dataset.name).join(' ')"))!.ToString());

        // The mesh: once the DAOs have come, mote C (3 hops) answers, and the tree has 4 motes, 3 edges, one root.
        await WaitForReplyAsync(ns1, MoteC);
        await chrome.WaitForAsync("document.querySelectorAll('svg.tree circle.mote').length === 4 && document.querySelectorAll('svg.tree line.edge').length === 3",
            TimeSpan.FromSeconds(60));
        Assert.Equal("14-15-92-cc-00-00-00-01", (await chrome.EvalAsync("document.querySelector('svg.tree circle.mote.root').dataset.eui64"))!.ToString());
        Assert.Equal("0,1,2,3", (await chrome.EvalAsync(
            "[...document.querySelectorAll('table.motes tbody tr')].map(r => r.cells[2].textContent === 'root' ? 0 : Number(r.cells[2].textContent)).sort().join()"))!.ToString());
        // The echo reply from C came in fragments: the border router's counters say so, as its next report arrives.
        await chrome.WaitForAsync(@"/daos [1-9]\d*, routes 3, .*reassembled [1-9]/.test(document.querySelector('.mesh-of .counters').textContent)", TimeSpan.FromSeconds(30));

        // Live counters: agent_2's rise after a ping, without a reload; all three have moved packets.
        var before = (await chrome.EvalAsync(Rows("agent_2", "down-packets")))!.GetValue<double>();
        var ping = await ns1.ExecAsync(TimeSpan.FromSeconds(30), "ping", "-6", "-c", "3", "-i", "0.3", "-W", "3", "bbbb::2");
        Assert.True(ping.Succeeded, ping.ToString());
        await chrome.WaitForAsync($"{Rows("agent_2", "down-packets")} >= {before + 3}", TimeSpan.FromSeconds(60));
        foreach (var agent in new[] { "agent_1", "agent_2", "agent_3" })
            await chrome.WaitForAsync($"{Rows(agent, "up-packets")} > 0 && {Rows(agent, "down-packets")} > 0", TimeSpan.FromSeconds(30));
        await chrome.WaitForAsync("document.querySelector('tr.agent[data-name=\"agent_1\"] svg.spark polyline') !== null", TimeSpan.FromSeconds(60));

        // The last packets: the echo requests, from agent_1 to agent_2 (the owner of bbbb::2) and into the mesh (to its
        // agent, or to the mote's address when the first ping came before the agent's stats listed the mote).
        const string echo = "[...document.querySelectorAll('tr.packet')].filter(r => r.dataset.from === 'agent_1' && r.textContent.includes('echo-request'))";
        await chrome.WaitForAsync($"{echo}.some(r => r.dataset.to === 'agent_2') && {echo}.some(r => r.dataset.to === 'agent_3' || r.dataset.to === '{MoteC}')",
            TimeSpan.FromSeconds(30));
        // Paused, the list holds still while packets come; resumed, they are there.
        await chrome.EvalAsync("document.getElementById('pause').click()");
        var rows = (await chrome.EvalAsync("document.querySelectorAll('tr.packet').length"))!.GetValue<double>();
        var sent = (await chrome.EvalAsync(Rows("agent_1", "up-packets")))!.GetValue<double>();
        Assert.True((await ns1.ExecAsync(TimeSpan.FromSeconds(30), "ping", "-6", "-c", "1", "-W", "3", "bbbb::2")).Succeeded);
        await chrome.WaitForAsync($"{Rows("agent_1", "up-packets")} > {sent}", TimeSpan.FromSeconds(60));
        Assert.Equal(rows, (await chrome.EvalAsync("document.querySelectorAll('tr.packet').length"))!.GetValue<double>());
        await chrome.EvalAsync("document.getElementById('pause').click()");
        await chrome.WaitForAsync($"document.querySelectorAll('tr.packet').length > {rows}", TimeSpan.FromSeconds(30));

        // Filtered by agent: only agent_3's packets stay visible.
        await chrome.EvalAsync("(f => { f.value = 'agent_3'; f.dispatchEvent(new Event('change')); })(document.getElementById('filter'))");
        Assert.True((await chrome.EvalAsync(
            "(v => v.length > 0 && v.every(r => r.dataset.from === 'agent_3' || r.dataset.to === 'agent_3'))([...document.querySelectorAll('tr.packet')].filter(r => !r.hidden))"))!.GetValue<bool>(),
            "the filter leaves agent_3's packets only");

        var screenshot = Path.Combine(ArtefactFolder(), "dashboard.png");
        await File.WriteAllBytesAsync(screenshot, await chrome.ScreenshotAsync());

        // The download link of the page gives pcapng that tshark reads, with the echo requests under agent_1.
        var link = (await chrome.EvalAsync("document.getElementById('download').href"))!.ToString();
        Assert.Contains("minutes=5", link);
        using var http = new HttpClient();
        var file = Path.Combine(Path.GetTempPath(), $"dashboard-{Environment.ProcessId}.pcapng");
        await File.WriteAllBytesAsync(file, await http.GetByteArrayAsync(link));
        try
        {
            var tshark = (await Command.RunAsync("tshark", ["-r", file, "-Y", "icmpv6.type == 128", "-T", "fields", "-e", "frame.interface_name"], TimeSpan.FromSeconds(60)))
                .EnsureSuccess();
            Assert.Contains("agent_1", tshark.StandardOutput.Split('\n', StringSplitOptions.TrimEntries));
        }
        finally
        {
            File.Delete(file);
        }

        // agent status reads the same mesh messages and prints the tree under the router.
        await using var status = AgentProcess.Start("status", "status", "--url", url, "--wait", "3");
        Assert.Equal(0, await status.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(status.Lines, l => l.StartsWith("Mesh of agent_3 (4 motes, 3 edges, root 14-15-92-cc-00-00-00-01)", StringComparison.Ordinal));
        Assert.Contains(status.Lines, l => Regex.IsMatch(l, @"^  14-15-92-cc-00-00-00-04  bbbb::1415:92cc:0:4  3 hops  parent 14-15-92-cc-00-00-00-03  DAO \d+s ago$"));

        // Without its token (or the cookie the page got with it) the dashboard shows nothing.
        using var stranger = new HttpClient(new HttpClientHandler { UseCookies = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync(page[..page.IndexOf('?')])).StatusCode);
        var (exit, took) = await dashboard.StopAsync();
        Assert.Equal(0, exit);
        Assert.True(took < TimeSpan.FromSeconds(10), $"stopping with a page open took {took} (Kestrel would wait 30 s for it)");
    }

    [Fact]
    public async Task Listening_beyond_loopback_without_a_token_and_an_empty_token_file_are_refused_in_one_line()
    {
        await using var dashboard = AgentProcess.Start("dashboard", "dashboard", "--listen", "0.0.0.0:8080", "--url", "amqp://guest:guest@127.0.0.1:1/");
        var exit = await dashboard.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exit);
        var line = Assert.Single(dashboard.Lines);
        Assert.Equal("stderr: agent dashboard: --listen 0.0.0.0:8080 is reachable from other machines: give --token SECRET too (then open http://HOST:8080/?token=SECRET), or listen on 127.0.0.1", line);

        var file = Path.Combine(Path.GetTempPath(), $"dashboard-{Environment.ProcessId}.token");
        await File.WriteAllTextAsync(file, "\n");
        try
        {
            await using var empty = AgentProcess.Start("dashboard", "dashboard", "--listen", "0.0.0.0:8080", "--token-file", file, "--url", "amqp://guest:guest@127.0.0.1:1/");
            Assert.Equal(2, await empty.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Equal($"stderr: agent dashboard: --token-file: {file} is empty; write the token on its first line", Assert.Single(empty.Lines));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task WaitForReplyAsync(Netns ns, string address)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if ((await ns.ExecAsync(TimeSpan.FromSeconds(10), "ping", "-6", "-c", "1", "-W", "2", address)).Succeeded) return;
        }
        Assert.Fail($"no reply from {address} within 60 s");
    }

    /// <summary>TestResults/ at the top of the repository, where test.sh keeps its TRX files too.</summary>
    private static string ArtefactFolder()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Agent.sln"))) root = root.Parent;
        var folder = Path.Combine(root!.FullName, "TestResults");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
