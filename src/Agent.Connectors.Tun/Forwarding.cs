using Serilog;
using Agent.Core.Addressing;

namespace Agent.Connectors.Tun;

/// <summary>
/// The kernel side of the re-route setup (PROTOCOL.md 3.1): the network behind the host is routed out of its interface,
/// and IPv6 forwarding is turned on, for the TUN interface and for the namespace as a whole (Linux forwards only with
/// <c>net.ipv6.conf.all.forwarding</c> on). Everything is undone when the interface goes; without re-routing nothing
/// is touched, but <c>ipv6_no_forwarding</c> turns the TUN's own forwarding off.
/// </summary>
internal sealed class Forwarding
{
    private const string AllForwarding = "net.ipv6.conf.all.forwarding";

    private readonly InterfaceConfigurator _ip;
    private readonly string? _netns;
    private readonly ReRoute _reRoute;
    private readonly string _previousAll;
    private readonly ILogger _log;

    private Forwarding(InterfaceConfigurator ip, string? netns, ReRoute reRoute, string previousAll, ILogger log)
    {
        _ip = ip;
        _netns = netns;
        _reRoute = reRoute;
        _previousAll = previousAll;
        _log = log;
    }

    /// <summary>Applies the settings to the TUN interface <paramref name="tun"/>; the result undoes them, or null when there is nothing to undo.</summary>
    /// <exception cref="InterfaceConfigurationException">A route or setting was refused.</exception>
    public static async Task<Forwarding?> ApplyAsync(InterfaceConfigurator ip, string tun, string? netns, TunSettings settings, ILogger log,
        CancellationToken cancellationToken)
    {
        if (settings.Ipv6NoForwarding)
        {
            await ip.WriteSysctlAsync(netns, $"net.ipv6.conf.{tun}.forwarding", "0", cancellationToken);
            return null;
        }
        if (settings.ReRoute is not { } reRoute) return null;
        await ip.RunAsync(netns, ["-6", "route", "replace", reRoute.Prefix.ToString(), "dev", reRoute.Interface, "metric", "1"], cancellationToken);
        var previous = "";
        try
        {
            previous = await ip.ReadSysctlAsync(netns, AllForwarding, cancellationToken);
            await ip.WriteSysctlAsync(netns, $"net.ipv6.conf.{tun}.forwarding", "1", cancellationToken);
            await ip.WriteSysctlAsync(netns, AllForwarding, "1", cancellationToken);
        }
        catch (InterfaceConfigurationException)
        {
            // Half done: the route out of the other interface outlives the TUN, so it goes now (the agent may go on
            // waiting for a better start message).
            await new Forwarding(ip, netns, reRoute, previous, log).UndoAsync();
            throw;
        }
        log.Information("Routing {Prefix} out of {Interface} and forwarding IPv6 between it and {Tun} (was {Key}={Previous})",
            reRoute.Prefix, reRoute.Interface, tun, AllForwarding, previous);
        return new Forwarding(ip, netns, reRoute, previous, log);
    }

    /// <summary>Takes the route out and puts global forwarding back as it was; what fails is logged, never thrown.</summary>
    public async Task UndoAsync()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _ip.RunAsync(_netns, ["-6", "route", "del", _reRoute.Prefix.ToString(), "dev", _reRoute.Interface, "metric", "1"], bound.Token);
            if (_previousAll.Length > 0) await _ip.WriteSysctlAsync(_netns, AllForwarding, _previousAll, bound.Token);
        }
        catch (Exception e) when (e is InterfaceConfigurationException or OperationCanceledException)
        {
            _log.Warning("Could not undo the re-route setup: {Reason}", e.Message);
        }
    }
}
