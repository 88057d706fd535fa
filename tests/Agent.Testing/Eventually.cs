using System.Diagnostics;

namespace Agent.Testing;

/// <summary>
/// Waits for a condition with a generous bound. A busy machine (CI, two cores shared with other builds) may take seconds
/// for what takes milliseconds here: tests wait for what they expect instead of sleeping a fixed time, and a condition
/// that never comes true still fails the test, only later.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Whether <paramref name="condition"/> held within <paramref name="bound"/> (<see cref="Bound"/>), checked every 10 ms.</summary>
    public static async Task<bool> TrueAsync(Func<bool> condition, TimeSpan? bound = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > (bound ?? Bound)) return condition();
            await Task.Delay(10);
        }
        return true;
    }
}
