using Agent.Connectors.Serial.Payloads;

namespace Agent.Connectors.Serial.Tests.Payloads;

/// <summary>Records what a payload kind did with frames from the mote.</summary>
internal sealed class RecordingLink : IMoteLink
{
    public List<(byte[] Data, byte[]? Wire)> Up { get; } = [];
    public List<byte[]> Replies { get; } = [];
    public List<(string Reason, string Detail)> Drops { get; } = [];
    public List<string> Printed { get; } = [];

    void IMoteLink.Up(byte[] data, byte[]? wire) => Up.Add((data, wire));
    void IMoteLink.Reply(ReadOnlySpan<byte> payload) => Replies.Add(payload.ToArray());
    void IMoteLink.Drop(string reason, string detail, bool quiet) => Drops.Add((reason, detail));
    void IMoteLink.Print(string text) => Printed.Add(text);
}
