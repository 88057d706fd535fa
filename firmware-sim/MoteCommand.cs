using System.CommandLine;
using FirmwareSim.Ip;
using FirmwareSim.OpenWsn;
using FirmwareSim.Pty;
using FirmwareSim.Tcp;

namespace FirmwareSim;

/// <summary>The <c>firmware-sim</c> command line.</summary>
public static class MoteCommand
{
    public static RootCommand Create(TextWriter output, TextWriter error, TimeProvider time)
    {
        var link = new Option<string?>("--link", "-l")
        {
            Description = "Path of the symbolic link to the mote's pseudo-terminal (what the agent opens), e.g. /tmp/mote0",
            HelpName = "PATH",
        };
        var listen = new Option<string?>("--listen")
        {
            Description = "Serve the mote over TCP instead of a pseudo-terminal, one client at a time: tcp://ADDRESS:PORT (raw, as FIT IoT-LAB's " +
                "port 20000 or Cooja's serial socket) or rfc2217://ADDRESS:PORT (telnet with COM-PORT-OPTION, as ser2net's telnet mode); port 0: any free port",
            HelpName = "URL",
        };
        var dropAfter = new Option<double?>("--drop-after")
        {
            Description = "With --listen: close each client's connection S seconds after it came (to test reconnects)",
            HelpName = "S",
        };
        var framing = new Option<string?>("--framing")
        {
            Description = "Framing on the line: slip (tunslip6, RIOT slipdev) or hdlc (OpenWSN, OpenThread; FCS-16); default slip, hdlc with --payload openwsn",
        };
        framing.AcceptOnlyFromAmong("slip", "hdlc");
        var payload = new Option<string>("--payload")
        {
            Description = "What frames carry: ip (IPv6/IPv4 packets and tunslip6 commands), 802154 (802.15.4 frames without FCS, uncompressed IPv6) " +
                "or openwsn (an OpenWSN DAG-root mote with a chain of motes behind it: status, log and data frames, 6LoWPAN, XON/XOFF)",
            DefaultValueFactory = _ => "ip",
        };
        payload.AcceptOnlyFromAmong("ip", "802154", "openwsn");
        var address = new Option<string?>("--address")
        {
            Description = "The mote's global IPv6 address; without it the mote asks the host for a prefix (?P) and uses prefix + EUI-64 interface id",
            HelpName = "IPV6",
        };
        var mac = new Option<string?>("--mac")
        {
            Description = $"The mote's EUI-64: its 802.15.4 extended address and IPv6 interface id (default {Eui64.DefaultText})",
            HelpName = "EUI64",
        };
        var ipv4Address = new Option<string?>("--ipv4-address")
        {
            Description = "Answer ICMP echo and UDP echo on this IPv4 address, a.b.c.d[/len] (--payload ip only)",
            HelpName = "ADDRESS",
        };
        var baud = new Option<int>("--baud")
        {
            Description = "Pace output like a UART at this rate (10 bits a byte)",
            DefaultValueFactory = _ => 115200,
        };
        var garbageEvery = new Option<int>("--garbage-every")
        {
            Description = "After every N-th frame sent, send a few bytes of noise that never decode as a frame (0: off)",
            DefaultValueFactory = _ => 0,
            HelpName = "N",
        };
        var corruptEvery = new Option<int>("--corrupt-every")
        {
            Description = "Corrupt every N-th frame sent: a bad escape (slip) or a bad FCS (hdlc) (0: off)",
            DefaultValueFactory = _ => 0,
            HelpName = "N",
        };
        var unplugAfter = new Option<double?>("--unplug-after")
        {
            Description = "Unplug once, S seconds after start: close the pseudo-terminal and remove the link",
            HelpName = "S",
        };
        var replugAfter = new Option<double?>("--replug-after")
        {
            Description = $"Seconds after the unplug to plug a rebooted mote in on a new pseudo-terminal behind the same link (default {MoteSettings.DefaultReplugAfter.TotalSeconds})",
            HelpName = "S",
        };
        var textEvery = new Option<double>("--text-every")
        {
            Description = "Send a text line (0x0A + ASCII) about the mote every S seconds (0: never; --payload ip only)",
            DefaultValueFactory = _ => 5,
            HelpName = "S",
        };
        var text = new Option<string?>("--text")
        {
            Description = "What the text lines say instead of the mote's summary, byte for byte (control characters included: a misbehaving mote)",
            HelpName = "TEXT",
        };
        var seed = new Option<int?>("--seed") { Description = "Seed of the noise generator and of the motes' fragment tags, for reproducible runs" };
        var motes = new Option<int?>("--motes")
        {
            Description = $"openwsn: motes in all, the DAG root included: root <- A <- B <- ..., EUI-64s following --mac (default {OpenWsnOptions.DefaultMotes})",
            HelpName = "N",
        };
        var daoPeriod = new Option<double?>("--dao-period")
        {
            Description = $"openwsn: seconds between DAO rounds while the root is root; the first comes within 1 s of R (default {OpenWsnOptions.DefaultDaoPeriod.TotalSeconds}; real motes take about two minutes)",
            HelpName = "S",
        };
        var rebootAfter = new Option<double?>("--reboot-after")
        {
            Description = "openwsn: the root reboots once, S seconds after start: logs 'booted' and is no longer root until the next R",
            HelpName = "S",
        };
        var noStatus = new Option<bool>("--no-status") { Description = "openwsn: print no status frames (so the host must find the mote with a serial echo)" };
        var fragmentDaos = new Option<bool>("--fragment-daos")
        {
            Description = "openwsn: fragment DAOs over 85 bytes, as firmware built with fragmentation does (the vectors record them whole)",
        };

        var root = new RootCommand("""
            A simulated mote on a pseudo-terminal or on TCP, for testing `agent serial` without hardware.

            It links a new /dev/pts/N at --link (or serves its UART at --listen, as a testbed does), speaks SLIP or HDLC at
            the given baud rate, and answers ICMPv6/ICMP echo and UDP echo (port 7). With --payload ip it asks the host for a prefix (?P) until it gets one (!P).
            With --payload openwsn it is an OpenWSN mote that the host makes DAG root (R), with motes A, B, C, ...
            chained behind it that send DAOs and answer ping6 and UDP echo in the firmware's 6LoWPAN forms.

            Examples:
              firmware-sim --link /tmp/mote0
              firmware-sim --link /tmp/mote0 --framing hdlc --address bbbb::3 --ipv4-address 10.2.0.3
              firmware-sim --link /tmp/mote1 --payload 802154 --mac 14:15:92:cc:00:00:00:03
              firmware-sim --link /tmp/mote0 --garbage-every 5 --corrupt-every 7 --unplug-after 10 --replug-after 2
              firmware-sim --link /tmp/openwsn0 --payload openwsn --motes 4 --reboot-after 30
              firmware-sim --listen tcp://127.0.0.1:20000 --payload openwsn --motes 4     (as an IoT-LAB node's port 20000)
              firmware-sim --listen rfc2217://127.0.0.1:4001 --drop-after 10               (as ser2net in telnet mode, hanging up every 10 s)
            """);
        Option[] options =
        [
            link, listen, dropAfter, framing, payload, address, mac, ipv4Address, baud, garbageEvery, corruptEvery, unplugAfter, replugAfter,
            textEvery, text, seed, motes, daoPeriod, rebootAfter, noStatus, fragmentDaos,
        ];
        foreach (var option in options) root.Options.Add(option);

        root.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var settings = MoteSettings.Parse(result.GetValue(link), result.GetValue(framing), result.GetValue(payload)!,
                    result.GetValue(address), result.GetValue(mac), result.GetValue(ipv4Address), result.GetValue(baud),
                    result.GetValue(garbageEvery), result.GetValue(corruptEvery), result.GetValue(unplugAfter),
                    result.GetValue(replugAfter), result.GetValue(textEvery), result.GetValue(seed),
                    new OpenWsnArguments(result.GetValue(motes), result.GetValue(daoPeriod), result.GetValue(rebootAfter),
                        result.GetValue(noStatus), result.GetValue(fragmentDaos)),
                    new NetworkArguments(result.GetValue(listen), result.GetValue(dropAfter))) with { Text = result.GetValue(text) };
                var random = settings.Seed is { } s ? new Random(s) : new Random();
                await new MoteSimulator(settings, new EventLog(output, time), time, random).RunAsync(cancellationToken);
                return 0;
            }
            catch (UsageException e)
            {
                await error.WriteLineAsync($"firmware-sim: {e.Message}");
                return 2;
            }
            catch (Exception e) when (e is PtyException or ListenException)
            {
                await error.WriteLineAsync($"firmware-sim: {e.Message}");
                return 1;
            }
        });
        return root;
    }
}
