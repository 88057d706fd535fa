using System.CommandLine;
using System.Globalization;
using Agent.Connectors.Serial;
using Agent.Connectors.Serial.Line;
using Agent.Core.Agents;
using Agent.Core.Addressing;
using Agent.Core.Bus;
using Agent.Core.Protocol;
using Agent.Core.Relay;
using Agent.Core.Stats;
using Agent.Posix;

namespace Agent.Cli;

/// <summary><c>agent serial</c>: a mote on a UART as a peer of the session network (PROTOCOL.md 4, 8).</summary>
public static class SerialCommand
{
    private const string PortVariable = "FINTEROP_CONNECTOR_SERIAL_PORT";
    private const string BaudVariable = "FINTEROP_CONNECTOR_BAUDRATE";

    public static Command Create(GlobalOptions global, TimeProvider time)
    {
        var name = new Option<string>("--name", "-n") { Description = "Agent name, one routing-key word", Required = true };
        var port = new Option<string?>("--port")
        {
            Description = $"The mote's line: a serial device (/dev/ttyUSB0), tcp://HOST:PORT (raw TCP: FIT IoT-LAB, Cooja, ser2net raw) " +
                $"or rfc2217://HOST:PORT (ser2net's telnet mode, which also sets the remote port) (default: ${PortVariable})",
            HelpName = "PORT",
        };
        var baud = new Option<int?>("--baud")
        {
            Description = $"Baud rate of a device or of an rfc2217:// remote port; a tcp:// line runs at whatever the far end set (default: ${BaudVariable}, else 115200)",
            HelpName = "RATE",
        };
        var framing = new Option<string?>("--framing") { Description = "Frame delimiting on the line: slip (default) or hdlc (implied by --payload openwsn)" };
        framing.AcceptOnlyFromAmong("slip", "hdlc");
        var payload = new Option<string>("--payload")
        {
            Description = "What the frames carry: ip (the mote is a session peer), 802154 (raw MAC frames, the original probe mode) or openwsn (the agent is the border router of an OpenWSN mesh)",
            DefaultValueFactory = _ => "ip",
        };
        payload.AcceptOnlyFromAmong("ip", "802154", "openwsn");
        var flow = new Option<string?>("--flow")
        {
            Description = "Flow control of our output: none (default), rtscts (a device or rfc2217://), or xonxoff (implied by --payload openwsn; " +
                "over TCP the agent itself holds its output between the mote's XOFF and XON)",
        };
        flow.AcceptOnlyFromAmong("none", "rtscts", "xonxoff");
        var xonXoffEscape = new Option<bool>("--xonxoff-escape") { Description = "Undo the mote's XON/XOFF escaping (0x12 xx) on input, as OpenWSN motes send it" };
        var maxFrame = new Option<int?>("--max-frame") { Description = "Largest frame sent down the line (default 1500 for ip, 127 for 802154)", HelpName = "BYTES" };
        var forwardAll = new Option<bool>("--forward-all") { Description = "Send every downlink packet to the mote, not only those for its addresses and multicast" };
        var ipv6Prefix = new Option<string?>("--ipv6-prefix") { Description = "Prefix given to the mote on ?P (default bbbb)", HelpName = "PREFIX" };
        var ipv6Host = new Option<string?>("--ipv6-host") { Description = "The mote's host id, if known before it sends anything", HelpName = "HOST" };

        var force = AgentSession.ForceOption();
        var direct = AgentSession.DirectOption();
        var noConfirm = AgentSession.NoConfirmOption();
        var command = new Command("serial", """
            Relay an embedded device on a UART (SLIP- or HDLC-framed IPv6, border-router style) to the session: a serial
            device, or a mote on a testbed reached over TCP (FIT IoT-LAB, Cooja's serial socket, ser2net).

            Examples:
              agent serial --port /dev/ttyUSB0 --baud 115200 --name agent_3 --url amqp://user:pass@broker/session
              agent serial --port /dev/ttyACM0 --name agent_4 --framing hdlc --flow rtscts
              agent serial --port /dev/ttyUSB1 --name agent_5 --payload 802154        (the original probe mode)
              agent serial --port /dev/ttyUSB0 --name agent_3 --payload openwsn       (an OpenWSN DAG root and its mesh)
              agent serial --port tcp://m3-10:20000 --name agent_3 --payload openwsn  (FIT IoT-LAB, from the site's frontend)
              agent serial --port tcp://127.0.0.1:60001 --name agent_4                (Cooja's Serial Socket (SERVER) on mote 1)
              agent serial --port rfc2217://labhost:4001 --baud 115200 --name agent_5 (ser2net in telnet mode)
            """);
        foreach (var option in new Option[] { name, port, baud, framing, payload, flow, xonXoffEscape, maxFrame, forwardAll, ipv6Prefix, ipv6Host, force, direct, noConfirm })
            command.Options.Add(option);

        command.SetAction((result, token) => CommandRunner.RunAsync(global, result, "serial", token, async (log, cancellationToken) =>
        {
            if (!AgentName.TryParse(result.GetValue(name), out var agentName, out var nameError)) throw new UsageException($"--name: {nameError}");
            var device = result.GetValue(port) ?? Environment.GetEnvironmentVariable(PortVariable);
            if (string.IsNullOrWhiteSpace(device)) throw new UsageException($"--port is required (or set {PortVariable})");
            if (!LineAddress.TryParse(device, out var address, out var addressProblem)) throw new UsageException($"--port: {addressProblem}");
            var rate = result.GetValue(baud) ?? BaudFromEnvironment();
            if (rate <= 0) throw new UsageException("--baud must be a positive number");
            if (!AddressOptions.TryParse(result.GetValue(ipv6Prefix), result.GetValue(ipv6Host), null, out var addresses, out var addressError))
                throw new UsageException(addressError);
            if (result.GetValue(maxFrame) is <= 0) throw new UsageException("--max-frame must be a positive number of bytes");
            var kind = result.GetValue(payload) switch { "802154" => SerialPayload.Ieee802154, "openwsn" => SerialPayload.OpenWsn, _ => SerialPayload.Ip };
            var openWsn = kind == SerialPayload.OpenWsn;
            // OpenWSN motes speak HDLC with an XON/XOFF sublayer and pause us with XOFF (PROTOCOL.md 8).
            if (openWsn && result.GetValue(framing) == "slip") throw new UsageException("--payload openwsn speaks HDLC; --framing slip cannot go with it");
            var lineFlow = result.GetValue(flow) ?? (openWsn ? "xonxoff" : "none");
            if (lineFlow == "rtscts" && address.Transport == LineTransport.Tcp)
                throw new UsageException("--flow rtscts needs a serial device or rfc2217:// (which sets it on the remote port): raw TCP has no modem lines");
            var options = new SerialOptions(
                address.Text,
                rate,
                result.GetValue(framing) == "hdlc" || openWsn ? SerialFraming.Hdlc : SerialFraming.Slip,
                kind,
                lineFlow switch { "rtscts" => Termios.Flow.RtsCts, "xonxoff" => Termios.Flow.XonXoff, _ => Termios.Flow.None },
                result.GetValue(xonXoffEscape) || openWsn,
                result.GetValue(maxFrame),
                result.GetValue(forwardAll),
                addresses.Prefix,
                addresses.Host);
            var busOptions = global.Bus(result, $"agent serial {agentName}") with { PublisherConfirms = !result.GetValue(noConfirm) };
            var statsInterval = global.Stats(result);

            ISerialLine line = address.Transport switch
            {
                LineTransport.Device => new DeviceLine(options.Port, options.Baud, options.Flow, log, time),
                LineTransport.Tcp => new TcpLine(address, comPort: null, options.Flow == Termios.Flow.XonXoff, log, time),
                _ => new TcpLine(address, new ComPortSettings(options.Baud, options.Flow), options.Flow == Termios.Flow.XonXoff, log, time),
            };
            await AgentSession.RunAsync(agentName.Value, busOptions, new AgentOptions(statsInterval, ShareName: result.GetValue(force), Direct: result.GetValue(direct)),
                new SerialKind(agentName.Value, options, line, log, time, Random.Shared), log, time, cancellationToken);
        }));
        return command;
    }

    private static int BaudFromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(BaudVariable);
        if (text is null) return 115200;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var rate)
            ? rate
            : throw new UsageException($"{BaudVariable}='{text}' is not a baud rate");
    }
}
