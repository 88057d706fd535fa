namespace Agent.Connectors.Serial.Payloads;

/// <summary>What a payload kind may do with a frame from the mote.</summary>
public interface IMoteLink
{
    /// <summary>Sends a frame up to the bus; <paramref name="wire"/> travels as <c>data_slip</c> where the topic carries it.</summary>
    void Up(byte[] data, byte[]? wire);

    /// <summary>Frames <paramref name="payload"/> and sends it back down the line (a reply to a query).</summary>
    void Reply(ReadOnlySpan<byte> payload);

    /// <summary>Counts and logs a frame from the mote that goes nowhere; a quiet one is logged at debug level only.</summary>
    void Drop(string reason, string detail, bool quiet = false);

    /// <summary>Logs a line the mote printed.</summary>
    void Print(string text);
}
