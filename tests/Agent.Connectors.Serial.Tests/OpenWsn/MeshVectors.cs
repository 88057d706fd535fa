using System.Text.Json;
using Agent.Connectors.Serial.OpenWsn;
using Agent.Testing;
using Agent.Core.Addressing;

namespace Agent.Connectors.Serial.Tests.OpenWsn;

/// <summary>The mesh -> host vectors of shared/vectors/openwsn and the addresses they use (index.json meta).</summary>
internal static class MeshVectors
{
    public static readonly Ipv6Prefix Prefix = Ipv6Prefix.Parse("bbbb::/64");
    public static readonly Eui64 Root = Eui64.Parse("14-15-92-cc-00-00-00-01");
    public static readonly Eui64 A = Eui64.Parse("14-15-92-cc-00-00-00-02");
    public static readonly Eui64 B = Eui64.Parse("14-15-92-cc-00-00-00-03");
    public static readonly Eui64 C = Eui64.Parse("14-15-92-cc-00-00-00-04");

    public static JsonElement Data => Vectors.Load("openwsn/mote_to_pc_data.json").GetProperty("mote_to_pc_data");

    public static JsonElement Fragmented => Vectors.Load("openwsn/mote_to_pc_fragmented.json").GetProperty("mote_to_pc_fragmented");

    public static JsonElement DaoFile => Vectors.Load("openwsn/mote_to_pc_dao_and_topology.json");

    public static JsonElement Daos => DaoFile.GetProperty("mote_to_pc_dao");

    public static TheoryData<int> Indexes(JsonElement array) => [.. Enumerable.Range(0, array.GetArrayLength())];

    public static TheoryData<int> DataCases => Indexes(Data);

    public static TheoryData<int> FragmentedCases => Indexes(Fragmented);

    public static TheoryData<int> DaoCases => Indexes(Daos);

    /// <summary>The IPv6 packet a correct gateway produces: <c>correct_ipv6_hex</c> where OV is wrong or stuck, else what OV wrote to the TUN.</summary>
    public static string ExpectedIpv6Hex(JsonElement vector) =>
        vector.TryGetProperty("correct_ipv6_hex", out var correct)
            ? correct.GetString()!
            : vector.GetProperty("decompressed_ipv6_hex (what openvisualizer writes to TUN)").GetString()!;

    public static MoteFrame.Data ParseData(string rawFrameHex) =>
        Assert.IsType<MoteFrame.Data>(MoteFrameParser.Parse(Convert.FromHexString(rawFrameHex)));

    public static string Hex(ReadOnlyMemory<byte> bytes) => Convert.ToHexStringLower(bytes.Span);

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
