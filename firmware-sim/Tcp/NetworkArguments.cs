namespace FirmwareSim.Tcp;

/// <summary>--listen and --drop-after as typed, before <see cref="MoteSettings.Parse"/> checks them (null: not given).</summary>
public sealed record NetworkArguments(string? Listen = null, double? DropAfter = null);
