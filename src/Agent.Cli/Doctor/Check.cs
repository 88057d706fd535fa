namespace Agent.Cli.Doctor;

/// <summary>One line of <c>agent doctor</c>: what was checked, whether it passed, and for a failure why and the fix.</summary>
public sealed record Check(string What, bool Passed, string? Why = null, string? Fix = null)
{
    public static Check Ok(string what) => new(what, true);

    public static Check Fail(string what, string why, string fix) => new(what, false, why, fix);

    /// <summary>A check that cannot be made because an earlier one failed: counts as a failure.</summary>
    public static Check Skipped(string what, string because) => new(what, false, $"not checked: {because}", null);

    public override string ToString() =>
        Passed ? $"[ ok ] {What}"
        : Fix is null ? $"[skip] {What}: {Why}"
        : $"[FAIL] {What}: {Why}; fix: {Fix}";
}
