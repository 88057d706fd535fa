namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>
/// Cuts a compressed 6LoWPAN datagram into RFC 4944 FRAG1/FRAGN fragments as openvisualizer's
/// <c>Fragmentor.do_fragment</c> does (OPENWSN.md D.4.4). Holds the datagram tag: one instance per DAG root.
/// Thread-safe. Pacing the fragments (OV waits 10 ms between them) is the caller's job.
/// </summary>
public sealed class Fragmenter
{
    /// <summary>Datagrams up to this length travel whole: 80-byte piece + 5-byte FRAGN header (D.4.4).</summary>
    public const int MaxUnfragmentedLength = 85;

    /// <summary>Bytes of the datagram per fragment; FRAG1 must carry exactly this many, motes count with it (D.4.4).</summary>
    public const int PieceLength = 80;

    /// <summary>The largest datagram motes reassemble (IPV6_PACKET_SIZE); they drop bigger ones (D.4.4).</summary>
    public const int MaxDatagramLength = 1320;

    private const int Frag1HeaderLength = 4;
    private const int FragNHeaderLength = 5;
    private const byte Frag1Dispatch = 0xC0;
    private const byte FragNDispatch = 0xE0;

    // The next tag, as an int so that Interlocked can advance it; only its low 16 bits go on the air.
    private int _nextTag;

    /// <param name="firstTag">The tag of the first fragmented datagram; OV starts at 1 (D.4.4).</param>
    public Fragmenter(ushort firstTag = 1) => _nextTag = firstTag;

    /// <summary>The tag the next fragmented datagram will carry.</summary>
    public ushort NextTag => (ushort)Volatile.Read(ref _nextTag);

    /// <summary>
    /// The pieces to send, in order: the datagram itself if it is at most 85 bytes, else FRAG1 + FRAGNs under a new
    /// tag. False, with no tag used, for a datagram over <see cref="MaxDatagramLength"/> bytes.
    /// </summary>
    public bool TryFragment(ReadOnlySpan<byte> datagram, out IReadOnlyList<byte[]> pieces, out string error)
    {
        error = "";
        if (datagram.Length > MaxDatagramLength)
        {
            pieces = [];
            error = $"a {datagram.Length}-byte datagram is over the {MaxDatagramLength} bytes motes reassemble";
            return false;
        }
        if (datagram.Length <= MaxUnfragmentedLength)
        {
            pieces = [datagram.ToArray()];
            return true;
        }

        // The tag advances once per fragmented datagram only, and wraps as the firmware's uint16 does.
        var tag = (ushort)(Interlocked.Increment(ref _nextTag) - 1);
        // Size is the COMPRESSED length (both FW and OV), not RFC 4944's uncompressed one (D.2.1, D.4.4).
        var size = datagram.Length;
        var result = new List<byte[]>((size + PieceLength - 1) / PieceLength);
        for (var offset = 0; offset < size; offset += PieceLength)
        {
            var piece = datagram.Slice(offset, Math.Min(PieceLength, size - offset));
            var first = offset == 0;
            var headerLength = first ? Frag1HeaderLength : FragNHeaderLength;
            var fragment = new byte[headerLength + piece.Length];
            fragment[0] = (byte)((first ? Frag1Dispatch : FragNDispatch) | size >> 8);
            fragment[1] = (byte)size;
            fragment[2] = (byte)(tag >> 8);
            fragment[3] = (byte)tag;
            // Offset in 8-byte units of the compressed datagram: 10, 20, ... (at most 160 under the 1320-byte limit).
            if (!first) fragment[4] = (byte)(offset / 8);
            piece.CopyTo(fragment.AsSpan(headerLength));
            result.Add(fragment);
        }
        pieces = result;
        return true;
    }
}
