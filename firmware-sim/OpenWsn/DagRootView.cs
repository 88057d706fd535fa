namespace FirmwareSim.OpenWsn;

/// <summary>What the status frames show of the DAG root mote.</summary>
public readonly ref struct DagRootView(bool isDagRoot, ReadOnlySpan<byte> moteId, ReadOnlySpan<byte> eui64, ReadOnlySpan<byte> prefix, ushort rank)
{
    public bool IsDagRoot { get; } = isDagRoot;

    /// <summary>addr_16b: EUI-64 bytes 6 and 7.</summary>
    public ReadOnlySpan<byte> MoteId { get; } = moteId;

    public ReadOnlySpan<byte> Eui64 { get; } = eui64;

    /// <summary>fe80::/64 until the PC sends R, then the prefix R gave.</summary>
    public ReadOnlySpan<byte> Prefix { get; } = prefix;

    /// <summary>256 (MINHOPRANKINCREASE) as root, else 0xFFFF (DEFAULTDAGRANK).</summary>
    public ushort Rank { get; } = rank;
}
