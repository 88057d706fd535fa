namespace FirmwareSim.OpenWsn;

/// <summary>The --payload openwsn options as typed, before <see cref="MoteSettings.Parse"/> checks them (null: not given).</summary>
public sealed record OpenWsnArguments(
    int? Motes = null,
    double? DaoPeriod = null,
    double? RebootAfter = null,
    bool NoStatus = false,
    bool FragmentDaos = false);
