using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Agent.Core.Protocol;

/// <summary>
/// An agent's name: one routing-key word (PROTOCOL.md 2). agent_N (N = 1..254) also names a place in the addressing plan.
/// </summary>
public readonly record struct AgentName
{
    /// <summary>AMQP routing keys are short strings: at most 255 bytes.</summary>
    public const int MaxRoutingKeyBytes = 255;

    /// <summary>The longest key an agent uses, with an empty name: <c>fromAgent..802154.serial.packet.raw</c>.</summary>
    public static readonly string LongestKey =
        new[] { Topics.IpPacketSuffix, Topics.SerialPacketSuffix, Topics.TunStartSuffix, Topics.TunStartedSuffix, Topics.SerialStartSuffix,
                Topics.SerialStartedSuffix, "stats" }
            .SelectMany(suffix => new[] { Topics.FromAgent("", suffix), Topics.ToAgent("", suffix) })
            .MaxBy(Encoding.UTF8.GetByteCount)!;

    /// <summary>How long a name may be, in UTF-8 bytes, for every key of an agent to fit: 220.</summary>
    public static readonly int MaxBytes = MaxRoutingKeyBytes - Encoding.UTF8.GetByteCount(LongestKey);

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
        if (Encoding.UTF8.GetByteCount(text) > MaxBytes)
        {
            error = $"the agent name is {Encoding.UTF8.GetByteCount(text)} bytes long, more than the {MaxBytes} that fit in its longest routing key "
                + $"({LongestKey.Replace("..", ".<name>.", StringComparison.Ordinal)}, at most {MaxRoutingKeyBytes} bytes)";
            return false;
        }
        name = new AgentName(text);
        error = "";
        return true;
    }

    public static AgentName Parse(string text) =>
        TryParse(text, out var name, out var error) ? name.Value : throw new FormatException(error);

    public override string ToString() => Value;
}
