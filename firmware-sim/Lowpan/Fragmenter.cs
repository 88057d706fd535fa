namespace FirmwareSim.Lowpan;

/// <summary>
/// How the originating mote cuts a datagram (FW frag.c <c>frag_fragment6LoPacket</c>, OPENWSN.md D.2.1): only
/// when it is longer than 85 bytes (80 + the FRAGN header), into 80-byte pieces, the last one shorter.
/// </summary>
public static class Fragmenter
{
    /// <summary>MAX_FRAGMENT_SIZE: the payload of every fragment but the last.</summary>
    public const int PieceSize = 80;

    /// <summary>The longest datagram sent whole (MAX_FRAGMENT_SIZE + FRAGN_HEADER_SIZE).</summary>
    public const int MaxWhole = PieceSize + FragmentHeader.FragNLength;

    /// <summary>IPV6_PACKET_SIZE: motes drop fragments announcing a bigger datagram (ERR_FRAG_INVALID_SIZE).</summary>
    public const int MaxDatagramSize = 1320;

    public static bool NeedsFragmenting(int datagramLength) => datagramLength > MaxWhole;

    /// <summary>The fragments of <paramref name="datagram"/>, all carrying <paramref name="tag"/>.</summary>
    public static IReadOnlyList<byte[]> Fragment(ReadOnlySpan<byte> datagram, ushort tag)
    {
        var fragments = new List<byte[]>();
        for (var offset = 0; offset < datagram.Length; offset += PieceSize)
        {
            var piece = datagram.Slice(offset, Math.Min(PieceSize, datagram.Length - offset));
            var fragment = new List<byte>(FragmentHeader.FragNLength + piece.Length);
            new FragmentHeader(offset == 0, datagram.Length, tag, offset / 8).WriteTo(fragment);
            fragment.AddRange(piece);
            fragments.Add([.. fragment]);
        }
        return fragments;
    }
}
