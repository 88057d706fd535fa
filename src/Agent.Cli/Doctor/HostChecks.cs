using System.Globalization;

namespace Agent.Cli.Doctor;

/// <summary>What <c>agent tun</c> needs from this host: the TUN device, CAP_NET_ADMIN, IPv6 and the <c>ip</c> command.</summary>
public static class HostChecks
{
    /// <summary>Bit 12 of the capability sets in /proc/self/status.</summary>
    private const int CapNetAdmin = 12;

    public static IEnumerable<Check> Run(string tunDevice)
    {
        yield return Tun(tunDevice);
        yield return NetAdmin();
        yield return Ipv6();
        yield return IpCommand();
    }

    private static Check Tun(string path)
    {
        const string what = "TUN device";
        if (!File.Exists(path) && !Directory.Exists(path))
            return Check.Fail($"{what} {path}", "missing",
                "sudo modprobe tun (in a container: give it the device, e.g. docker run --device /dev/net/tun --cap-add NET_ADMIN)");
        return Check.Ok($"{what} {path} present");
    }

    private static Check NetAdmin()
    {
        const string what = "CAP_NET_ADMIN (to create and configure the TUN interface)";
        var effective = StatusField("CapEff:");
        if (effective is not null && ulong.TryParse(effective, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var caps)
            && (caps >> CapNetAdmin & 1) == 1)
            return Check.Ok($"{what} held");
        return Check.Fail(what, $"not held by user {Environment.UserName}",
            "run agent tun as root, or give it only this capability: sudo setpriv --inh-caps=+net_admin --ambient-caps=+net_admin ..., or AmbientCapabilities=CAP_NET_ADMIN in a systemd unit (contrib/agent@.service)");
    }

    private static Check Ipv6()
    {
        const string what = "IPv6";
        const string fix = "sudo sysctl -w net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 (and remove the setting from /etc/sysctl.conf and /etc/sysctl.d/)";
        if (!File.Exists("/proc/net/if_inet6"))
            return Check.Fail(what, "not in this kernel (no /proc/net/if_inet6)", "boot without ipv6.disable=1 on the kernel command line");
        foreach (var scope in new[] { "all", "default" })
        {
            var setting = $"/proc/sys/net/ipv6/conf/{scope}/disable_ipv6";
            if (File.Exists(setting) && File.ReadAllText(setting).Trim() != "0")
                return Check.Fail(what, $"disabled (net.ipv6.conf.{scope}.disable_ipv6 = 1{(scope == "default" ? ": new interfaces get no IPv6 address" : "")})", fix);
        }
        return Check.Ok($"{what} enabled, also on new interfaces");
    }

    private static Check IpCommand()
    {
        const string what = "the ip command (iproute2), which configures the interface";
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "ip"))
            .FirstOrDefault(File.Exists);
        return path is null
            ? Check.Fail(what, "not found on PATH", "sudo apt-get install iproute2 (or put /usr/sbin and /sbin on PATH)")
            : Check.Ok($"{what}: {path}");
    }

    private static string? StatusField(string name) =>
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?[name.Length..].Trim();
}
