using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Agent.Core.Protocol;

/// <summary>
/// An agent's name: one routing-key word (PROTOCOL.md 2). agent_N (N = 1..254) also names a place in the addressing plan.
/// </summary>
public readonly record struct AgentName
{
    private AgentName(string value) => Value = value;

    public string Value { get; }

    /// <summary>N for agent_N (1..254), else null.</summary>
    public int? PlanNumber =>
        Value.StartsWith("agent_", StringComparison.Ordinal)
        && int.TryParse(Value.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
        && n is >= 1 and <= 254
        && Value.Length - 6 == n.ToString(CultureInfo.InvariantCulture).Length
            ? n
            : null;

    public static bool TryParse(string? text, [NotNullWhen(true)] out AgentName? name, out string error)
    {
        name = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "the agent name is empty";
            return false;
        }
        foreach (var c in text)
        {
            if (c is '.' or '*' or '#' || char.IsWhiteSpace(c) || char.IsControl(c))
            {
                error = $"the agent name '{text}' must not contain '.', '*', '#' or whitespace (it is one routing-key word)";
                return false;
            }
        }
        name = new AgentName(text);
        error = "";
        return true;
    }

    public static AgentName Parse(string text) =>
        TryParse(text, out var name, out var error) ? name.Value : throw new FormatException(error);

    public override string ToString() => Value;
}
