namespace FirmwareSim.OpenWsn;

/// <summary>What the command line decides about the simulated OpenWSN network (--payload openwsn).</summary>
/// <param name="Motes">Motes in all, the DAG root included: root &lt;- A &lt;- B &lt;- ... (--motes).</param>
/// <param name="DaoPeriod">How often every mote sends its DAO while the root is root (--dao-period).</param>
/// <param name="RebootAfter">When, after start, the root reboots once (--reboot-after); null for never.</param>
/// <param name="Status">Whether status frames are printed every 100 ms (--no-status turns them off).</param>
/// <param name="FragmentDaos">Fragment DAOs over 85 bytes as real firmware built with fragmentation does; off by
/// default because the vectors record DAOs whole (--fragment-daos).</param>
public sealed record OpenWsnOptions(int Motes, TimeSpan DaoPeriod, TimeSpan? RebootAfter, bool Status, bool FragmentDaos)
{
    public const int DefaultMotes = 4;
    public const int MaxMotes = 32;
    public static readonly TimeSpan DefaultDaoPeriod = TimeSpan.FromSeconds(5);

    public static OpenWsnOptions Default { get; } = new(DefaultMotes, DefaultDaoPeriod, null, true, false);
}
