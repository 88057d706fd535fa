using Agent.Core.Drops;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>What <see cref="FragmentReassembler.Accept"/> made of one 6LoWPAN datagram or fragment.</summary>
public abstract record ReassemblyResult
{
    private ReassemblyResult()
    {
    }

    /// <summary>A whole datagram: the input itself when it was not a fragment, else FRAG1 + FRAGN payloads in offset order.</summary>
    public sealed record Complete(ReadOnlyMemory<byte> Datagram, bool WasFragmented) : ReassemblyResult;

    /// <summary>A fragment was stored (or was a repeat and ignored); the datagram is not complete yet.</summary>
    public sealed record Waiting(bool Duplicate) : ReassemblyResult;

    /// <summary>The fragment could not be used.</summary>
    public sealed record Dropped(Drop Drop) : ReassemblyResult;
}
