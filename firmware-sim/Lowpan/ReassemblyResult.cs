namespace FirmwareSim.Lowpan;

/// <summary>What one fragment did: completed a datagram, was kept waiting for the others, or was dropped (and why).</summary>
public readonly record struct ReassemblyResult(byte[]? Datagram, string? Drop)
{
    public static ReassemblyResult Waiting => default;

    public bool Complete => Datagram is not null;

    public bool Dropped => Drop is not null;
}
