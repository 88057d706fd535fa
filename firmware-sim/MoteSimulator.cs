using FirmwareSim.Pty;
using FirmwareSim.Tcp;
using FirmwareSim.Uart;

namespace FirmwareSim;

/// <summary>
/// Runs the mote until cancelled: plugs it in (on a pseudo-terminal behind --link, or behind a TCP listener with
/// --listen) and, with --unplug-after, unplugs it once (the pseudo-terminal closes and the link disappears, as when a
/// USB cable is pulled) and plugs a rebooted mote in on a new pseudo-terminal behind the same link --replug-after
/// seconds later.
/// </summary>
public sealed class MoteSimulator(MoteSettings settings, EventLog log, TimeProvider time, Random random)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var link = settings.Link is { } path ? new DeviceLink(path) : null;
        var session = Plug(link, "mote on");
        try
        {
            if (settings.UnplugAfter is { } unplugAfter)
            {
                await Task.Delay(unplugAfter, time, cancellationToken);
                var summary = session.Summary();
                session.Dispose();
                session = null;
                log.Line($"unplugged: {link!.Path} removed, pseudo-terminal closed ({summary}); replug in {settings.ReplugAfter.TotalSeconds:0.###} s");
                await Task.Delay(settings.ReplugAfter, time, cancellationToken);
                session = Plug(link, "replugged: mote on");
            }
            await Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (session is not null)
            {
                var summary = session.Summary();
                session.Dispose();
                log.Line($"stopped ({summary})");
            }
            else
            {
                log.Line("stopped");
            }
        }
    }

    private MoteSession Plug(DeviceLink? link, string what)
    {
        IMotePort port = link is not null
            ? LinkedPseudoTerminal.Open(link, time)
            : TcpMotePort.Open(settings.Listen!, settings.DropAfter, settings.Baud, log, time);
        var session = MoteSession.Start(settings, port, log, time, random);
        log.Line($"{what} {session.PortDescription}, {settings.Describe()}");
        var identity = settings.Identity;
        if (settings.Payload == PayloadKind.OpenWsn)
        {
            var motes = settings.OpenWsn.Motes;
            log.Line($"openwsn DAG-root mote {identity.Mac} with {motes - 1} mote{(motes == 2 ? "" : "s")} behind it in a chain" +
                $"{(settings.OpenWsn.Status ? "" : ", no status frames")}; not root until the host sends R");
            return session;
        }
        var global = identity.Address is { } address ? $"address {address}"
            : settings.Payload == PayloadKind.Ip ? "global address from the host's prefix (sending ?P)" : "no global address";
        var ipv4 = identity.Ipv4 is { } v4 ? $", IPv4 {v4}" : "";
        log.Line($"mac {identity.Mac}, link-local {identity.LinkLocal}, {global}{ipv4}");
        return session;
    }
}
