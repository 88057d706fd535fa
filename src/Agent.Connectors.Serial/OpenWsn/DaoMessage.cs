using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>An RPL DAO (ICMPv6 type 155 code 2) as OpenWSN motes send it to the DODAGID, non-storing mode (OPENWSN.md D.3).</summary>
/// <param name="Targets">Target options' addresses (the FW lists at most one child, not itself; OV ignores them).</param>
/// <param name="Transits">Transit options' parent addresses (the FW sends one, its preferred parent).</param>
public sealed record DaoMessage(
    byte InstanceId,
    byte Flags,
    byte Sequence,
    IPAddress? DodagId,
    IReadOnlyList<IPAddress> Targets,
    IReadOnlyList<IPAddress> Transits)
{
    public const byte IcmpType = 155;
    public const byte IcmpCode = 2;

    private const int IcmpHeaderLength = 4; // type, code, checksum
    private const int BaseLength = 4; // instance, flags, reserved, sequence
    private const byte DodagIdPresent = 0x40; // the D flag (RFC 6550 6.4)
    private const byte TargetOption = 5;
    private const byte TransitOption = 6;
    // Fixed sizes, type and length bytes included, as OV walks them (D.3): prefix length 128, parent address present.
    private const int TargetOptionLength = 20;
    private const int TransitOptionLength = 22;

    /// <summary>The transit parents' EUI-64s: the last 8 bytes of each parent address, as OV keeps them (D.3).</summary>
    public IReadOnlyList<Eui64> Parents => Transits.Select(Eui64.FromInterfaceId).ToList();

    /// <summary>True for an ICMPv6 message that starts <c>9B 02</c>.</summary>
    public static bool IsDao(ReadOnlySpan<byte> icmpv6) =>
        icmpv6.Length >= 2 && icmpv6[0] == IcmpType && icmpv6[1] == IcmpCode;

    /// <summary>Reads a DAO from its ICMPv6 message (type byte first). Any option other than Target or Transit rejects it, as OV does (D.3).</summary>
    public static bool TryParse(ReadOnlySpan<byte> icmpv6, [NotNullWhen(true)] out DaoMessage? dao, out string error)
    {
        dao = null;
        if (!IsDao(icmpv6)) return Fail($"not a DAO (ICMPv6 {Describe(icmpv6)})", out error);
        var body = icmpv6[IcmpHeaderLength..];
        if (icmpv6.Length < IcmpHeaderLength + BaseLength) return Fail($"DAO of {icmpv6.Length} bytes is cut short", out error);

        var flags = body[1];
        IPAddress? dodagId = null;
        var at = BaseLength;
        if ((flags & DodagIdPresent) != 0)
        {
            if (body.Length < at + 16) return Fail("DAO DODAGID cut short", out error);
            dodagId = new IPAddress(body.Slice(at, 16));
            at += 16;
        }

        var targets = new List<IPAddress>();
        var transits = new List<IPAddress>();
        while (at < body.Length)
        {
            var type = body[at];
            var length = type switch
            {
                TargetOption => TargetOptionLength,
                TransitOption => TransitOptionLength,
                _ => 0,
            };
            if (length == 0) return Fail($"DAO option type {type} (only Target 5 and Transit 6 are understood)", out error);
            if (body.Length < at + length) return Fail($"DAO option type {type} cut short", out error);
            var option = body.Slice(at, length);
            if (option[1] != length - 2) return Fail($"DAO option type {type} has length {option[1]}, expected {length - 2}", out error);
            // Target: type len flags prefixLength address(16); Transit: type len E pathControl pathSequence pathLifetime parent(16).
            if (type == TargetOption) targets.Add(new IPAddress(option[4..]));
            else transits.Add(new IPAddress(option[6..]));
            at += length;
        }

        dao = new DaoMessage(body[0], flags, body[3], dodagId, targets, transits);
        error = "";
        return true;
    }

    private static string Describe(ReadOnlySpan<byte> icmpv6) =>
        icmpv6.Length >= 2 ? $"type {icmpv6[0]} code {icmpv6[1]}" : $"of {icmpv6.Length} bytes";

    private static bool Fail(string detail, out string error)
    {
        error = detail;
        return false;
    }
}
