namespace Agent.Testing;

/// <summary>Small well-formed packets for tests.</summary>
public static class SamplePackets
{
    /// <summary>The ICMPv6 echo request bbbb::1 -> bbbb::2 of PROTOCOL.md 3's example.</summary>
    public static readonly byte[] EchoRequestV6 =
    [
        96, 15, 46, 51, 0, 16, 58, 64, 187, 187, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 187, 187, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
        128, 0, 58, 189, 105, 26, 0, 1, 90, 214, 243, 65, 0, 5, 22, 69,
    ];

    /// <summary>An ICMP echo request 10.2.0.1 -> 10.2.0.2 (checksums not checked by the agent).</summary>
    public static readonly byte[] EchoRequestV4 =
    [
        0x45, 0, 0, 28, 0, 1, 0, 0, 64, 1, 0, 0, 10, 2, 0, 1, 10, 2, 0, 2,
        8, 0, 0, 0, 0, 7, 0, 1,
    ];
}
