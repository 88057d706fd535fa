using System.Text.Json.Nodes;
using Serilog;
using Agent.Core.Addressing;
using Agent.Core.Agents;
using Agent.Core.Connectors;
using Agent.Core.Drops;
using Agent.Core.Protocol;

namespace Agent.Connectors.Tun;

/// <summary>
/// An IP agent on a TUN interface (PROTOCOL.md 3, 5): the interface is created at start for agent_N or all three
/// address options, else on the first <c>tun.start</c>; it announces <c>tun.started</c> with the interface's settings.
/// </summary>
public sealed class TunKind(AgentName name, AddressOptions options, OpenInterface open, ILogger log) : IAgentKind
{
    private TunSettings? _settings;

    public string Name => "tun";

    public AgentTopics Topics { get; } = AgentTopics.Ip(name);

    public int DownlinkCapacity => 1024;

    public string Waiting => $"Waiting for {Topics.Start}, or pass --ipv6-prefix/--ipv6-host/--ipv4-address";

    public async Task<IConnector?> OpenAtStartAsync(CancellationToken cancellationToken) =>
        AddressPlan.AtStart(name, options) is { } settings ? await OpenAsync(settings, cancellationToken) : null;

    public async Task<OpenResult> OpenOnStartAsync(JsonObject start, CancellationToken cancellationToken)
    {
        if (!AddressPlan.TryFromTunStart(name, options, TunConfigMessage.From(start), out var settings, out var error))
            return OpenResult.Refused(new Drop(DropReason.BadControl, error!));
        return OpenResult.Opened(await OpenAsync(settings!, cancellationToken));
    }

    public byte[]? Announcement() => _settings?.ToStarted(name).ToJson();

    public IReadOnlyList<string> Addresses() => _settings?.Addresses.Select(a => a.ToString()).ToList() ?? [];

    private async Task<IConnector> OpenAsync(TunSettings settings, CancellationToken cancellationToken)
    {
        var connector = await open(settings, cancellationToken);
        _settings = settings;
        log.Information("Interface {Interface} is up: {Settings}", connector.InterfaceName, settings);
        return connector;
    }
}
