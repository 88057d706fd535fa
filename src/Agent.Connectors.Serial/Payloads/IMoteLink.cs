using Agent.Core.Drops;

namespace Agent.Connectors.Serial.Payloads;

/// <summary>What a payload kind may do with what it makes of the mote's frames. Every write goes through the one write path.</summary>
public interface IMoteLink
{
    /// <summary>Sends a frame up to the bus; <paramref name="wire"/> travels as <c>data_slip</c> where the topic carries it.</summary>
    void Up(byte[] data, byte[]? wire);

    /// <summary>Sends a frame of the mote's own protocol down the line (a reply to a query, a probe), behind the queued ones.</summary>
    void Reply(byte[] payload);

    /// <summary>Sends a packet from the mesh back down to it (mote to mote), as if it had come from the bus.</summary>
    void Loop(byte[] packet);

    /// <summary>Counts and logs something from the mote that goes nowhere.</summary>
    void Drop(Drop drop);

    /// <summary>Logs a line the mote printed.</summary>
    void Print(string text);

    /// <summary>What the agent announces about the mote changed (its address is now known): announce again.</summary>
    void Changed();
}
