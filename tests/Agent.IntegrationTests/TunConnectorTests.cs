using System.Diagnostics;
using System.Net;
using System.Threading.Channels;
using Agent.Connectors.Tun;
using Agent.Core.Addressing;
using Agent.Core.Connectors;
using Agent.Core.Protocol;
using Agent.Core.Drops;

namespace Agent.IntegrationTests;

/// <summary>
/// A real TUN interface in a private network namespace: the kernel on the other side answers
/// pings, so a reply read from <see cref="TunConnector.Frames"/> proves both directions work.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class TunConnectorTests
{
    // Generous: the kernel answers within microseconds, but a busy machine may not run our reader for seconds.
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>agent_1's: bbbb::1/64, fe80::1/64, 10.2.0.1/24.</summary>
    private static readonly TunSettings Settings = AddressPlan.ForName(AgentName.Parse("agent_1"))!;

    private static readonly Serilog.ILogger Log = new Serilog.LoggerConfiguration().CreateLogger();

    /// <summary>Opens the interface and runs it under a host that counts what it drops, as the relay would.</summary>
    private static async Task<RunningTun> RunAsync(TunInterfaceOptions options, TimeProvider? time = null)
    {
        var tun = await TunConnector.OpenAsync(options, Settings, Log, time ?? TimeProvider.System, CancellationToken.None);
        return new RunningTun(tun);
    }

    [Fact]
    public async Task Interface_is_created_in_the_namespace_with_mtu_addresses_and_up()
    {
        await using Netns netns = await Netns.CreateAsync("agtest-tun");
        await using var running = await RunAsync(new TunInterfaceOptions(Mtu: 1400, Netns: netns.Name));
        var tun = running.Tun;

        Assert.Matches("^tun[0-9]+$", tun.InterfaceName);

        string addresses = (await netns.IpAsync("-o", "addr", "show", "dev", tun.InterfaceName)).EnsureSuccess().StandardOutput;
        Assert.Contains("inet6 bbbb::1/64 ", addresses);
        Assert.Contains("inet6 fe80::1/64 ", addresses);
        Assert.Contains("inet 10.2.0.1/24 ", addresses);
        // Ours are usable at once (nodad); the kernel's own random link-local may still be tentative for a moment.
        Assert.DoesNotContain(addresses.Split('\n'), l => l.Contains("tentative") && (l.Contains(" bbbb::1/") || l.Contains(" fe80::1/")));

        string link = (await netns.IpAsync("-o", "link", "show", "dev", tun.InterfaceName)).EnsureSuccess().StandardOutput;
        Assert.Contains("UP", LinkFlags(link));
        Assert.Contains(" mtu 1400 ", link);

        // Moved, not copied: the agent's own namespace no longer has it.
        Assert.False((await Command.RunAsync("ip", "link", "show", "dev", tun.InterfaceName)).Succeeded);
    }

    [Fact]
    public async Task Kernel_answers_an_icmpv6_echo_written_to_the_interface()
    {
        await using Netns netns = await Netns.CreateAsync("agtest-tun");
        await using var running = await RunAsync(new TunInterfaceOptions(Netns: netns.Name));
        var tun = running.Tun;
        IPAddress peer = IPAddress.Parse("bbbb::2"), local = IPAddress.Parse("bbbb::1");
        byte[] payload = "agent tun test v6"u8.ToArray();

        Assert.Null(await tun.WriteAsync(new Outbound(IcmpPackets.EchoRequestV6(peer, local, 0x1234, 7, payload)), CancellationToken.None));

        IcmpEcho reply = await ReceiveEchoReplyAsync(tun, peer, local, 0x1234, 7);
        Assert.Equal(local, reply.Source);
        Assert.Equal(peer, reply.Destination);
        Assert.Equal(payload, reply.Payload);
        Assert.Equal(0, running.Drops.Total);
    }

    [Fact]
    public async Task Kernel_answers_an_icmpv4_echo_and_frames_carry_the_injected_time()
    {
        var readAt = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);
        await using Netns netns = await Netns.CreateAsync("agtest-tun");
        await using var running = await RunAsync(new TunInterfaceOptions(Netns: netns.Name), new FixedTime(readAt));
        var tun = running.Tun;
        IPAddress peer = IPAddress.Parse("10.2.0.2"), local = IPAddress.Parse("10.2.0.1");
        byte[] payload = "agent tun test v4"u8.ToArray();

        Assert.Null(await tun.WriteAsync(new Outbound(IcmpPackets.EchoRequestV4(peer, local, 0x4321, 3, payload)), CancellationToken.None));

        Frame frame = await ReceiveFrameAsync(tun, data => IcmpPackets.IsEchoReplyTo(data, peer, local, 0x4321, 3));
        Assert.True(IcmpPackets.TryParseEcho(frame.Data, out IcmpEcho reply));
        Assert.Equal(payload, reply.Payload);
        Assert.Equal(readAt, frame.CapturedAt);
    }

    [Fact]
    public async Task Dispose_is_quick_removes_the_interface_and_completes_frames()
    {
        await using Netns netns = await Netns.CreateAsync("agtest-tun");
        var running = await RunAsync(new TunInterfaceOptions(Netns: netns.Name));
        var tun = running.Tun;
        (await netns.IpAsync("link", "show", "dev", tun.InterfaceName)).EnsureSuccess();

        var watch = Stopwatch.StartNew();
        await tun.DisposeAsync();
        watch.Stop();

        Assert.True(watch.Elapsed < AgentProcess.QuickStop, $"dispose took {watch.Elapsed}");
        Assert.False((await netns.IpAsync("link", "show", "dev", tun.InterfaceName)).Succeeded, "the interface is still there");
        await DrainAsync(tun.Frames).WaitAsync(ReplyTimeout); // frames read before the dispose may still be queued
        Assert.False(await tun.Frames.WaitToReadAsync());

        await tun.DisposeAsync(); // idempotent
        await Assert.ThrowsAsync<ObjectDisposedException>(
            async () => await tun.WriteAsync(new Outbound(new byte[40]), CancellationToken.None));
        await running.DisposeAsync();
    }

    [Fact]
    public async Task A_fixed_name_is_used_exactly()
    {
        string name = $"tunagt{Environment.ProcessId % 1000}";
        await using Netns netns = await Netns.CreateAsync("agtest-tun");
        await using var running = await RunAsync(new TunInterfaceOptions(NamePattern: name, Netns: netns.Name));

        Assert.Equal(name, running.Tun.InterfaceName);
        (await netns.IpAsync("link", "show", "dev", name)).EnsureSuccess();
    }

    [Fact]
    public void A_name_in_use_is_refused_with_a_clear_message()
    {
        string name = $"tunagb{Environment.ProcessId % 1000}";
        // Left down and unconfigured in the agent's namespace; it vanishes when closed.
        using TunDevice first = TunDevice.Open(name);

        var e = Assert.Throws<TunUnavailableException>(() => TunDevice.Open(name));

        Assert.Equal(16, e.Errno); // EBUSY
        Assert.Contains(name, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task A_failed_configuration_reports_the_command_and_removes_the_interface()
    {
        string name = $"tunagf{Environment.ProcessId % 1000}";
        string missing = $"agtest-missing-{Environment.ProcessId}";

        var e = await Assert.ThrowsAsync<InterfaceConfigurationException>(() => TunConnector.OpenAsync(
            new TunInterfaceOptions(NamePattern: name, Netns: missing), Settings, Log, TimeProvider.System, CancellationToken.None));

        Assert.StartsWith($"ip link set dev {name} netns {missing}: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False((await Command.RunAsync("ip", "link", "show", "dev", name)).Succeeded, "the interface was left behind");
    }

    [Fact]
    public async Task Frames_nobody_reads_are_dropped_and_counted()
    {
        await using Netns netns = await Netns.CreateAsync("agtest-tun");
        var running = await RunAsync(new TunInterfaceOptions(Netns: netns.Name));
        var tun = running.Tun;
        IPAddress peer = IPAddress.Parse("10.2.0.2"), local = IPAddress.Parse("10.2.0.1");

        // Each request makes the kernel send one reply. Batches stay below the interface's transmit
        // queue (txqueuelen 500), which would otherwise drop replies before our reader sees them.
        var deadline = Stopwatch.StartNew();
        ushort sequence = 0;
        while (running.Drops[DropReason.UplinkOverflow] == 0 && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            for (int i = 0; i < 100; i++)
            {
                await tun.WriteAsync(new Outbound(IcmpPackets.EchoRequestV4(peer, local, 9, sequence++, [])), CancellationToken.None);
            }

            await Task.Delay(5);
        }

        await running.DisposeAsync(); // stops the reader, so the counts below are final
        Assert.True(running.Drops[DropReason.UplinkOverflow] > 0, $"no drops counted after {sequence} requests; {tun.Frames.Count} frames queued");
        Assert.Equal(4096, tun.Frames.Count);
        Assert.Equal(running.Drops[DropReason.UplinkOverflow], running.Drops.Total); // the device refused no write
    }

    private static async Task<IcmpEcho> ReceiveEchoReplyAsync(TunConnector tun, IPAddress requestSource, IPAddress requestDestination, ushort identifier, ushort sequence)
    {
        Frame frame = await ReceiveFrameAsync(
            tun, data => IcmpPackets.IsEchoReplyTo(data, requestSource, requestDestination, identifier, sequence));
        Assert.True(IcmpPackets.TryParseEcho(frame.Data, out IcmpEcho reply));
        return reply;
    }

    /// <summary>The first frame that matches, skipping what the kernel sends on its own (MLD reports, router solicitations).</summary>
    private static async Task<Frame> ReceiveFrameAsync(TunConnector tun, Func<byte[], bool> matches)
    {
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        var skipped = new List<string>();
        try
        {
            while (true)
            {
                Frame frame = await tun.Frames.ReadAsync(timeout.Token);
                if (matches(frame.Data))
                {
                    return frame;
                }

                skipped.Add(Convert.ToHexString(frame.Data.AsSpan(0, Math.Min(frame.Data.Length, 48))));
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no matching frame within {ReplyTimeout}; skipped {skipped.Count}: {string.Join(", ", skipped)}");
            throw;
        }
    }

    private static async Task DrainAsync(ChannelReader<Frame> frames)
    {
        while (frames.TryRead(out _))
        {
        }

        await frames.Completion;
    }

    /// <summary>The flags between the angle brackets of <c>ip -o link show</c>, e.g. POINTOPOINT,NOARP,UP,LOWER_UP.</summary>
    private static string[] LinkFlags(string ipLinkLine)
    {
        int start = ipLinkLine.IndexOf('<') + 1;
        int end = ipLinkLine.IndexOf('>', start);
        return ipLinkLine[start..end].Split(',');
    }

    /// <summary>A connector running under a host that only counts, disposed (and stopped) together.</summary>
    private sealed class RunningTun : IConnectorHost, IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _running;

        public RunningTun(TunConnector tun)
        {
            Tun = tun;
            _running = tun.RunAsync(this, _stop.Token);
        }

        public TunConnector Tun { get; }

        public DropCounts Drops { get; } = new();

        public void Dropped(Drop drop) => Drops.Count(drop.Reason);

        public void Printed(string text)
        {
        }

        public void Changed()
        {
        }

        public void Send(Outbound frame)
        {
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _running;
            await Tun.DisposeAsync();
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
