using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Agent.Core.Connectors;

namespace Agent.Connectors.Tun;

/// <summary>
/// Configures an interface with the <c>ip</c> command: optionally moves it into a network
/// namespace (<see cref="MoveAsync"/>), sets MTU and addresses, and brings it up. .NET cannot open netlink sockets here
/// (STACK.md), and arguments go through an argument list, never a shell (PROTOCOL.md section 9).
/// </summary>
public sealed class InterfaceConfigurator
{
    private readonly string _ipCommand;
    private readonly TimeSpan _commandTimeout;

    /// <param name="ipCommand">The ip program to run, looked up on PATH.</param>
    /// <param name="commandTimeout">Limit for each command; 5 s when null.</param>
    public InterfaceConfigurator(string ipCommand = "ip", TimeSpan? commandTimeout = null)
    {
        _ipCommand = ipCommand;
        _commandTimeout = commandTimeout ?? TimeSpan.FromSeconds(5);
    }

    // Each retry follows another agent that took the name we chose: a handful of agents starting at once at most.
    private const int MoveAttempts = 16;

    /// <summary>
    /// The argument lists of the ip commands that configure the interface, in order; with
    /// <paramref name="netns"/>, the interface is there already (<see cref="MoveAsync"/>) and every command runs there with <c>-n</c>.
    /// </summary>
    public static IReadOnlyList<string[]> Commands(string interfaceName, string? netns, int mtu, IReadOnlyList<InterfaceAddress> addresses)
    {
        ArgumentException.ThrowIfNullOrEmpty(interfaceName);
        ArgumentOutOfRangeException.ThrowIfLessThan(mtu, 68);
        ArgumentNullException.ThrowIfNull(addresses);

        string[] inNamespace = netns is null ? [] : ["-n", netns];
        var commands = new List<string[]>();
        commands.Add([.. inNamespace, "link", "set", "dev", interfaceName, "mtu", mtu.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        foreach (InterfaceAddress address in addresses)
        {
            string cidr = $"{WithoutScope(address.Address)}/{address.PrefixLength}";
            commands.Add(address.Address.AddressFamily == AddressFamily.InterNetworkV6
                // nodad: no duplicate address detection delay, the address is usable at once.
                ? [.. inNamespace, "-6", "addr", "add", cidr, "dev", interfaceName, "nodad"]
                : [.. inNamespace, "addr", "add", cidr, "dev", interfaceName]);
        }

        commands.Add([.. inNamespace, "link", "set", "dev", interfaceName, "up"]);
        return commands;
    }

    /// <summary>Runs the <see cref="Commands"/> one after another, stopping at the first failure.</summary>
    /// <exception cref="InterfaceConfigurationException">A command failed, timed out or could not be started.</exception>
    public async Task ConfigureAsync(
        string interfaceName, string? netns, int mtu, IReadOnlyList<InterfaceAddress> addresses, CancellationToken cancellationToken)
    {
        foreach (string[] arguments in Commands(interfaceName, netns, mtu, addresses))
        {
            await RunAsync(arguments, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Moves the interface into <paramref name="netns"/> and returns its name there. The kernel numbered it
    /// (<paramref name="namePattern"/> <c>tun%d</c>) among the names free in the agent's namespace, and another agent's
    /// interface may have that name in <paramref name="netns"/> already: then it is renamed to the first name of the
    /// pattern free in both and moved again (racing agents each retry). A fixed name that is taken there is refused.
    /// </summary>
    /// <exception cref="InterfaceConfigurationException">It could not be moved.</exception>
    public async Task<string> MoveAsync(string interfaceName, string netns, string namePattern, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RunAsync(["link", "set", "dev", interfaceName, "netns", netns], cancellationToken).ConfigureAwait(false);
                return interfaceName;
            }
            catch (InterfaceConfigurationException moving) when (namePattern.Contains("%d", StringComparison.Ordinal) && attempt < MoveAttempts)
            {
                // ip's words for it vary with the kernel ("File exists", "An interface with the same name exists"): look.
                IReadOnlyList<string> there;
                try
                {
                    there = await NamesAsync(netns, cancellationToken).ConfigureAwait(false);
                }
                catch (InterfaceConfigurationException)
                {
                    throw moving; // no such namespace ...: the move's own error says it best
                }
                if (!there.Contains(interfaceName)) throw;
                var free = FirstFree(namePattern, [.. there, .. await NamesAsync(null, cancellationToken).ConfigureAwait(false)]);
                try
                {
                    await RunAsync(["link", "set", "dev", interfaceName, "name", free], cancellationToken).ConfigureAwait(false);
                    interfaceName = free;
                }
                catch (InterfaceConfigurationException renaming)
                {
                    // Another agent took that name here since we looked (and may have moved it away already, so the
                    // name can be free again by now): look again. Anything else is a real failure.
                    if (!renaming.Message.Contains("exists", StringComparison.OrdinalIgnoreCase)
                        && !(await NamesAsync(null, cancellationToken).ConfigureAwait(false)).Contains(free)) throw;
                }
            }
        }
    }

    private static string FirstFree(string namePattern, IReadOnlyCollection<string> taken)
    {
        for (int n = 0; ; n++)
        {
            string name = namePattern.Replace("%d", n.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            if (!taken.Contains(name)) return name;
        }
    }

    /// <summary>The names of the interfaces in <paramref name="netns"/>, or here.</summary>
    private async Task<IReadOnlyList<string>> NamesAsync(string? netns, CancellationToken cancellationToken)
    {
        string json = await RunAsync(netns, ["-j", "link", "show"], cancellationToken).ConfigureAwait(false);
        using var links = System.Text.Json.JsonDocument.Parse(json);
        return links.RootElement.EnumerateArray()
            .Select(link => link.TryGetProperty("ifname", out var name) ? name.GetString() : null)
            .OfType<string>()
            .ToList();
    }

    /// <summary>Runs one <c>ip</c> command (in <paramref name="netns"/> if given) and returns what it printed.</summary>
    /// <exception cref="InterfaceConfigurationException">It failed, timed out or could not be started.</exception>
    public Task<string> RunAsync(string? netns, string[] arguments, CancellationToken cancellationToken) =>
        RunAsync(netns is null ? arguments : ["-n", netns, .. arguments], cancellationToken);

    /// <summary>Reads a kernel setting (<c>net.ipv6.conf.all.forwarding</c>) in <paramref name="netns"/> or here.</summary>
    public async Task<string> ReadSysctlAsync(string? netns, string key, CancellationToken cancellationToken) =>
        netns is null
            ? (await File.ReadAllTextAsync(SysctlPath(key), cancellationToken).ConfigureAwait(false)).Trim()
            : (await RunAsync(["netns", "exec", netns, "sysctl", "-n", key], cancellationToken).ConfigureAwait(false)).Trim();

    /// <summary>Writes a kernel setting in <paramref name="netns"/> (through <c>ip netns exec … sysctl</c>) or here.</summary>
    /// <exception cref="InterfaceConfigurationException">It could not be written.</exception>
    public async Task WriteSysctlAsync(string? netns, string key, string value, CancellationToken cancellationToken)
    {
        if (netns is not null)
        {
            await RunAsync(["netns", "exec", netns, "sysctl", "-q", "-w", $"{key}={value}"], cancellationToken).ConfigureAwait(false);
            return;
        }
        try
        {
            await File.WriteAllTextAsync(SysctlPath(key), value, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InterfaceConfigurationException($"cannot set {key} to {value}: {e.Message}", e);
        }
    }

    private static string SysctlPath(string key) => Path.Combine(["/proc/sys", .. key.Split('.')]);

    private async Task<string> RunAsync(string[] arguments, CancellationToken cancellationToken)
    {
        string commandLine = string.Join(' ', [_ipCommand, .. arguments]);
        var startInfo = new ProcessStartInfo(_ipCommand)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InterfaceConfigurationException(
                $"{commandLine}: cannot run '{_ipCommand}' ({e.Message}); install iproute2", e);
        }

        Task<string> stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_commandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillQuietly(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new InterfaceConfigurationException(
                $"{commandLine}: no answer after {_commandTimeout.TotalSeconds:0.#} s");
        }

        string output = await stdout.ConfigureAwait(false);
        string error = await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            string reason = string.Join(' ', error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            // Entering a namespace (ip -n, ip netns exec) is setns(), which CAP_NET_ADMIN alone does not allow.
            string advice = reason.Contains("setting the network namespace", StringComparison.Ordinal) && reason.Contains("not permitted", StringComparison.Ordinal)
                ? "; --netns needs CAP_SYS_ADMIN besides CAP_NET_ADMIN (or run as root, or without --netns)"
                : "";
            throw new InterfaceConfigurationException(
                $"{commandLine}: {(reason.Length > 0 ? reason : $"exit code {process.ExitCode}")}{advice}");
        }
        return output;
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    // ip rejects "fe80::1%3"; the interface is named by "dev" anyway.
    private static IPAddress WithoutScope(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0
            ? new IPAddress(address.GetAddressBytes())
            : address;
}
