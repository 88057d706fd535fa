using System.CommandLine;
using Agent.Connectors.Tun;
using Agent.Core.Addressing;
using Agent.Core.Agents;
using Agent.Core.Bus;
using Agent.Core.Connectors;
using Agent.Core.Protocol;
using Agent.Core.Relay;
using Agent.Core.Stats;

namespace Agent.Cli;

/// <summary><c>agent tun</c> (also <c>agent connect</c>, the original agent's name): a TUN interface on the session network.</summary>
public static class TunCommand
{
    public static Command Create(GlobalOptions global, TimeProvider time)
    {
        var name = new Option<string>("--name", "-n")
        {
            Description = "Agent name, one routing-key word; agent_N gets bbbb::N, fe80::N and 10.2.0.N",
            Required = true,
        };
        var ipv6Prefix = new Option<string?>("--ipv6-prefix") { Description = "IPv6 /64 prefix: bbbb, bbbb::/64 or 2001:db8:0:1", HelpName = "PREFIX" };
        var ipv6Host = new Option<string?>("--ipv6-host") { Description = "IPv6 host id: 1, :1 or ::1", HelpName = "HOST" };
        var ipv4Address = new Option<string?>("--ipv4-address") { Description = "IPv4 address a.b.c.d[/len] (default /24)", HelpName = "ADDRESS" };
        var tunName = new Option<string>("--tun-name")
        {
            Description = "Interface name; must contain 'tun' (the ioppytest sniffer keeps only such interfaces); %d lets the kernel number it",
            DefaultValueFactory = _ => "tun%d",
        };
        var mtu = new Option<int>("--mtu") { Description = "Interface MTU", DefaultValueFactory = _ => 1500 };
        var netns = new Option<string?>("--netns")
        {
            Description = "Move the interface into this existing network namespace and configure it there (the broker connection stays here)",
            HelpName = "NAME",
        };
        var startTimeout = new Option<double?>("--start-timeout")
        {
            Description = "Seconds to wait for toAgent.<name>.ip.tun.start before giving up (default: wait forever)",
            HelpName = "SECONDS",
        };
        var reRouteIf = new Option<string?>("--re-route-packets-if")
        {
            Description = "The interface towards a network behind this host (a WSN behind a border router): with the two below, its prefix is routed there and IPv6 is forwarded between it and the tunnel",
            HelpName = "INTERFACE",
        };
        var reRoutePrefix = new Option<string?>("--re-route-packets-prefix") { Description = "That network's /64 prefix, e.g. cccc", HelpName = "PREFIX" };
        var reRouteHost = new Option<string?>("--re-route-packets-host") { Description = "The node under test there (announced as this agent's address), e.g. 1", HelpName = "HOST" };
        var noForwarding = new Option<bool>("--ipv6-no-forwarding") { Description = "Turn IPv6 forwarding off on the interface (and route nothing behind this host)" };
        var force = AgentSession.ForceOption();
        var direct = AgentSession.DirectOption();
        var noConfirm = AgentSession.NoConfirmOption();
        var forceBootstrap = new Option<bool>("--force-bootstrap") { Description = "Accepted for the original agent's command line; no effect", Hidden = true };

        var command = new Command("tun", """
            Open a TUN interface with the session address, publish every IP packet it reads and write into it every packet the backend sends.

            Examples:
              sudo agent tun --url amqp://user:pass@broker/session --name agent_1
              sudo agent tun --url-file /etc/agent/url --name agent_1   (the password stays out of the process list)
              sudo agent tun --url amqp://u:p@node1/session --url amqp://u:p@node2/session --name agent_1
                                                                          (a cluster: on to node2 when node1 dies)
              sudo agent tun --url amqps://user:pass@broker/session --tls-ca session-ca.pem --name agent_1
              sudo agent tun --name coap_client --start-timeout 60      (waits for toAgent.coap_client.ip.tun.start)
              sudo agent tun --name eut1 --ipv6-prefix bbbb --ipv6-host 5 --ipv4-address 10.2.0.5/24
              sudo agent tun --name agent_2 --netns iut2                 (interface inside namespace iut2)
              sudo agent tun --name agent_1 --re-route-packets-if eth1 --re-route-packets-prefix cccc --re-route-packets-host 1
                                                                          (a WSN with cccc::1 behind this host's eth1)
              sudo agent tun --name agent_1 --direct                      (no router: the broker fans out, one hop)
              sudo agent tun --name agent_1 --direct --no-confirm         (the same, faster: publishes are not confirmed)
            """);
        command.Aliases.Add("connect");
        foreach (var option in new Option[] { name, ipv6Prefix, ipv6Host, ipv4Address, tunName, mtu, netns, startTimeout, reRouteIf, reRoutePrefix, reRouteHost, noForwarding, force, direct, noConfirm, forceBootstrap })
            command.Options.Add(option);

        command.SetAction((result, token) => CommandRunner.RunAsync(global, result, "tun", token, async (log, cancellationToken) =>
        {
            if (!AgentName.TryParse(result.GetValue(name), out var agentName, out var nameError)) throw new UsageException($"--name: {nameError}");
            if (!AddressOptions.TryParse(result.GetValue(ipv6Prefix), result.GetValue(ipv6Host), result.GetValue(ipv4Address), out var addresses, out var addressError))
                throw new UsageException(addressError);
            if (!ReRoute.TryParse(result.GetValue(reRouteIf), result.GetValue(reRoutePrefix), result.GetValue(reRouteHost),
                    "--re-route-packets-if/-prefix/-host", out var reRoute, out var reRouteError))
                throw new UsageException(reRouteError);
            addresses = addresses with { ReRoute = reRoute, Ipv6NoForwarding = result.GetValue(noForwarding) ? true : null };
            var interfaceOptions = new TunInterfaceOptions(result.GetValue(tunName)!, result.GetValue(mtu), result.GetValue(netns));
            if (!interfaceOptions.NamePattern.Contains("tun", StringComparison.Ordinal))
                throw new UsageException($"--tun-name '{interfaceOptions.NamePattern}' must contain 'tun': the ioppytest sniffer captures only interfaces named so");
            if (interfaceOptions.NamePattern.Length > 15)
                throw new UsageException($"--tun-name '{interfaceOptions.NamePattern}' is longer than the 15 characters Linux allows");
            if (interfaceOptions.Mtu is < 1280 or > 65535)
                throw new UsageException("--mtu must be between 1280 (the IPv6 minimum) and 65535");
            if (interfaceOptions.Netns is { } ns && !File.Exists(Path.Combine("/run/netns", ns)))
                throw new UsageException($"--netns: network namespace '{ns}' does not exist (create it with: ip netns add {ns})");
            var timeout = result.GetValue(startTimeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            var busOptions = global.Bus(result, $"agent tun {agentName}") with { PublisherConfirms = !result.GetValue(noConfirm) };
            var statsInterval = global.Stats(result);

            OpenInterface open = async (settings, ct) => await TunConnector.OpenAsync(interfaceOptions, settings, log, time, ct);
            await AgentSession.RunAsync(agentName.Value, busOptions, new AgentOptions(statsInterval, timeout, ShareName: result.GetValue(force), Direct: result.GetValue(direct)),
                new TunKind(agentName.Value, addresses, open, log), log, time, cancellationToken);
        }));
        return command;
    }
}
