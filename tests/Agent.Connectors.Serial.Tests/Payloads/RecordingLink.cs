using Agent.Connectors.Serial.Payloads;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.Tests.Payloads;

/// <summary>Records what a payload kind did with frames from the mote.</summary>
internal sealed class RecordingLink : IMoteLink
{
    public List<(byte[] Data, byte[]? Wire)> Up { get; } = [];
    public List<byte[]> Replies { get; } = [];
    public List<byte[]> Looped { get; } = [];
    public List<Drop> Drops { get; } = [];
    public List<string> Printed { get; } = [];
    public int Changes { get; private set; }

    void IMoteLink.Up(byte[] data, byte[]? wire) => Up.Add((data, wire));
    void IMoteLink.Reply(byte[] payload) => Replies.Add(payload);
    void IMoteLink.Loop(byte[] packet) => Looped.Add(packet);
    void IMoteLink.Drop(Drop drop) => Drops.Add(drop);
    void IMoteLink.Print(string text) => Printed.Add(text);
    void IMoteLink.Changed() => Changes++;
}
