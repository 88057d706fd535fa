using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FirmwareSim.Ip;
using FirmwareSim.OpenWsn;
using FirmwareSim.Tcp;

namespace FirmwareSim;

/// <summary>Everything the command line decides, checked.</summary>
/// <param name="Link">The pseudo-terminal's link (--link), or null when the mote is served over TCP.</param>
/// <param name="Listen">Where the mote is served over TCP (--listen), or null on a pseudo-terminal.</param>
/// <param name="DropAfter">With --listen: close each client's connection this long after it came.</param>
public sealed record MoteSettings(
    string? Link,
    FramingKind Framing,
    PayloadKind Payload,
    MoteIdentity Identity,
    int Baud,
    int GarbageEvery,
    int CorruptEvery,
    TimeSpan? UnplugAfter,
    TimeSpan ReplugAfter,
    TimeSpan TextEvery,
    int? Seed,
    OpenWsnOptions OpenWsn,
    ListenAddress? Listen = null,
    TimeSpan? DropAfter = null)
{
    public static readonly TimeSpan DefaultReplugAfter = TimeSpan.FromSeconds(1);

    /// <summary>What the text lines say instead of the mote's own summary (<c>--text</c>), as given: control characters too.</summary>
    public string? Text { get; init; }

    /// <summary>Checks the raw option values; throws <see cref="UsageException"/> with one line saying what is wrong.</summary>
    /// <param name="framing">slip or hdlc; null for the payload's usual one (hdlc for openwsn, else slip).</param>
    /// <param name="openWsn">The --payload openwsn options as given (null when none was).</param>
    /// <param name="network">--listen and --drop-after as given (null when neither was).</param>
    public static MoteSettings Parse(string? link, string? framing, string payload, string? address, string? mac, string? ipv4Address,
        int baud, int garbageEvery, int corruptEvery, double? unplugAfter, double? replugAfter, double textEvery, int? seed,
        OpenWsnArguments? openWsn = null, NetworkArguments? network = null)
    {
        var (listen, dropAfter) = ParsePort(link, network ?? new NetworkArguments(), unplugAfter);

        var payloadKind = payload switch
        {
            "ip" => PayloadKind.Ip,
            "802154" => PayloadKind.Ieee802154,
            "openwsn" => PayloadKind.OpenWsn,
            _ => throw new UsageException($"--payload must be ip, 802154 or openwsn, not '{payload}'"),
        };
        var framingKind = (framing ?? (payloadKind == PayloadKind.OpenWsn ? "hdlc" : "slip")) switch
        {
            "slip" => FramingKind.Slip,
            "hdlc" => FramingKind.Hdlc,
            _ => throw new UsageException($"--framing must be slip or hdlc, not '{framing}'"),
        };
        if (payloadKind == PayloadKind.OpenWsn && framingKind != FramingKind.Hdlc)
            throw new UsageException("--payload openwsn needs --framing hdlc (OpenWSN motes speak HDLC); leave --framing out");
        var openWsnOptions = ParseOpenWsn(openWsn ?? new OpenWsnArguments(), payloadKind == PayloadKind.OpenWsn);

        IPAddress? ipv6 = null;
        if (address is not null)
        {
            if (!IPAddress.TryParse(address, out ipv6) || ipv6.AddressFamily != AddressFamily.InterNetworkV6 || ipv6.IsIPv6Multicast || ipv6.Equals(IPAddress.IPv6Any))
                throw new UsageException($"--address: '{address}' is not a unicast IPv6 address such as bbbb::3");
            ipv6.ScopeId = 0;
        }
        Eui64? eui64 = null;
        if (mac is not null && !Eui64.TryParse(mac, out eui64))
            throw new UsageException($"--mac: '{mac}' is not an EUI-64 such as {Eui64.DefaultText} (or a 6-byte MAC)");
        var ipv4 = ipv4Address is null ? null : ParseIpv4(ipv4Address);
        if (ipv4 is not null && payloadKind == PayloadKind.Ieee802154)
            throw new UsageException("--ipv4-address needs --payload ip: 802.15.4 frames carry IPv6 only");
        if (payloadKind == PayloadKind.OpenWsn && (ipv6 is not null || ipv4 is not null))
            throw new UsageException("--address and --ipv4-address do not apply to --payload openwsn: the motes take prefix + EUI-64 from R");

        if (baud < 50 || baud > 4_000_000) throw new UsageException($"--baud must be between 50 and 4000000, not {baud}");
        if (garbageEvery < 0) throw new UsageException("--garbage-every must be 0 (off) or more");
        if (corruptEvery < 0) throw new UsageException("--corrupt-every must be 0 (off) or more");
        if (unplugAfter is <= 0) throw new UsageException("--unplug-after must be a number of seconds above 0");
        if (replugAfter is < 0) throw new UsageException("--replug-after must be a number of seconds, 0 or more");
        if (replugAfter is not null && unplugAfter is null) throw new UsageException("--replug-after needs --unplug-after");
        if (textEvery < 0) throw new UsageException("--text-every must be 0 (off) or a number of seconds");
        if (textEvery > 0 && payloadKind != PayloadKind.Ip) textEvery = 0; // text lines exist only in the IP framing of tunslip6

        return new MoteSettings(
            link,
            framingKind,
            payloadKind,
            MoteIdentity.Create(eui64, ipv6, ipv4),
            baud,
            garbageEvery,
            corruptEvery,
            unplugAfter is { } u ? TimeSpan.FromSeconds(u) : null,
            replugAfter is { } r ? TimeSpan.FromSeconds(r) : DefaultReplugAfter,
            TimeSpan.FromSeconds(textEvery),
            seed,
            openWsnOptions,
            listen,
            dropAfter);
    }

    // The mote sits on a pseudo-terminal behind --link or behind a TCP listener (--listen): one of the two.
    private static (ListenAddress? Listen, TimeSpan? DropAfter) ParsePort(string? link, NetworkArguments network, double? unplugAfter)
    {
        if (network.Listen is not null)
        {
            if (!string.IsNullOrWhiteSpace(link)) throw new UsageException("--link and --listen do not go together: the mote is on a pseudo-terminal or on TCP");
            if (unplugAfter is not null) throw new UsageException("--unplug-after needs --link; with --listen, --drop-after S closes the client's connection");
            if (network.DropAfter is <= 0) throw new UsageException("--drop-after must be a number of seconds above 0");
            return (ListenAddress.Parse(network.Listen), network.DropAfter is { } d ? TimeSpan.FromSeconds(d) : null);
        }
        if (network.DropAfter is not null) throw new UsageException("--drop-after needs --listen: it closes a TCP client's connection");
        if (string.IsNullOrWhiteSpace(link))
            throw new UsageException("--link PATH (a pseudo-terminal linked at PATH, e.g. /tmp/mote0) or --listen tcp://ADDRESS:PORT is required");
        var directory = Path.GetDirectoryName(Path.GetFullPath(link));
        if (directory is not null && !Directory.Exists(directory)) throw new UsageException($"--link: directory {directory} does not exist");
        return (null, null);
    }

    /// <summary>One line for the start banner.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Framing.ToString().ToLowerInvariant()}, {PayloadName}, {Baud} baud");

    private string PayloadName => Payload switch
    {
        PayloadKind.Ip => "ip",
        PayloadKind.Ieee802154 => "802154",
        _ => "openwsn",
    };

    // The openwsn options exist only with --payload openwsn; given with another payload they are a mistake.
    private static OpenWsnOptions ParseOpenWsn(OpenWsnArguments given, bool openWsn)
    {
        if (!openWsn)
        {
            var stray = new[]
            {
                given.Motes is null ? null : "--motes",
                given.DaoPeriod is null ? null : "--dao-period",
                given.RebootAfter is null ? null : "--reboot-after",
                given.NoStatus ? "--no-status" : null,
                given.FragmentDaos ? "--fragment-daos" : null,
            }.FirstOrDefault(o => o is not null);
            if (stray is not null) throw new UsageException($"{stray} needs --payload openwsn");
            return OpenWsnOptions.Default;
        }
        var motes = given.Motes ?? OpenWsnOptions.DefaultMotes;
        if (motes is < 1 or > OpenWsnOptions.MaxMotes)
            throw new UsageException($"--motes must be between 1 (the root alone) and {OpenWsnOptions.MaxMotes}, not {motes}");
        if (given.DaoPeriod is <= 0) throw new UsageException("--dao-period must be a number of seconds above 0");
        if (given.RebootAfter is <= 0) throw new UsageException("--reboot-after must be a number of seconds above 0");
        return new OpenWsnOptions(
            motes,
            given.DaoPeriod is { } period ? TimeSpan.FromSeconds(period) : OpenWsnOptions.DefaultDaoPeriod,
            given.RebootAfter is { } reboot ? TimeSpan.FromSeconds(reboot) : null,
            !given.NoStatus,
            given.FragmentDaos);
    }

    // a.b.c.d or a.b.c.d/len; the length is accepted for symmetry with the agent's option and not needed here.
    private static IPAddress ParseIpv4(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length is < 1 or > 32))
            throw new UsageException($"--ipv4-address: '{text}' has a bad prefix length; use a.b.c.d or a.b.c.d/24");
        if (!IPAddress.TryParse(addressText, out var address) || address.AddressFamily != AddressFamily.InterNetwork || addressText.Count(c => c == '.') != 3)
            throw new UsageException($"--ipv4-address: '{text}' is not an IPv4 address such as 10.2.0.3");
        return address;
    }
}
