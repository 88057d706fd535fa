using Agent.Testing;
using System.Text.Json;
using Agent.Framing;
using FirmwareSim.Mesh;
using FirmwareSim.OpenWsn;
using Microsoft.Extensions.Time.Testing;
using static FirmwareSim.Tests.TestPackets;

namespace FirmwareSim.Tests;

/// <summary>The DAG root and its mesh without a pseudo-terminal: what the tests of its parts share.</summary>
public abstract class OpenWsnStackTestBase
{
    protected static readonly byte[] RootEui = Convert.FromHexString("141592cc00000001");
    protected static readonly byte[] SetRootToggle = OpenWsnVectors.Load("pc_to_mote_setroot.json").GetProperty("pc_to_mote_setroot").Hex("raw_frame_hex");
    protected static readonly byte[] SetRootYes = [(byte)'R', (byte)'Y', .. SetRootToggle[2..]];
    protected static readonly JsonElement[] MoteToPcData = OpenWsnVectors.Array("mote_to_pc_data");
    protected static readonly JsonElement[] Daos = OpenWsnVectors.Array("mote_to_pc_dao", "mote_to_pc_dao_and_topology");
    protected static readonly JsonElement[] Fragmented = OpenWsnVectors.Array("mote_to_pc_fragmented");
    protected static readonly JsonElement[] PcToMote = OpenWsnVectors.Array("pc_to_mote_data");
    protected static readonly JsonElement[] DefaultPing = OpenWsnVectors.Array("pc_to_mote_default_ping");
    protected static readonly JsonElement[] Status = OpenWsnVectors.Array("status_frames");

    protected readonly FakeTimeProvider _time = new();
    protected readonly ScriptedAsn _asn = new();
    protected readonly StringWriter _log = new();

    // The vectors' network: ranks 0x0300/0x0400/0x0500 and the fragment tags their derivations give (A 0x0215, C 0x043b).
    protected static MeshNetwork VectorMesh() => new(RootEui,
    [
        new MeshMote("A", Convert.FromHexString("141592cc00000002"), 0x0300, 0x0215),
        new MeshMote("B", Convert.FromHexString("141592cc00000003"), 0x0400, 0x0100),
        new MeshMote("C", Convert.FromHexString("141592cc00000004"), 0x0500, 0x043b),
    ]);

    protected OpenWsnMoteStack Root(OpenWsnOptions? options = null, MeshNetwork? mesh = null)
    {
        var root = new OpenWsnMoteStack(RootEui, mesh ?? VectorMesh(), options ?? OpenWsnOptions.Default, _asn, _time, new EventLog(_log, _time));
        Assert.Equal(Convert.FromHexString("550001014f00000000"), Assert.Single(root.Poll())); // 'U' booted
        return root;
    }

    protected OpenWsnMoteStack RootedRoot(OpenWsnOptions? options = null, MeshNetwork? mesh = null)
    {
        var root = Root(options ?? OpenWsnOptions.Default with { Status = false }, mesh);
        Assert.Empty(root.Receive(SetRootYes));
        return root;
    }

    protected static byte[] Frame(JsonElement vectorFrame) => vectorFrame.Hex("raw_frame_hex");

    protected static IEnumerable<byte[]> Frames(JsonElement vector) => vector.GetProperty("frames").EnumerateArray().Select(Frame);

    // Everything a host frame list brings back.
    protected static List<byte[]> Send(OpenWsnMoteStack root, IEnumerable<byte[]> frames) => [.. frames.SelectMany(f => root.Receive(f))];

    protected List<byte[]> PollFor(OpenWsnMoteStack root, TimeSpan span)
    {
        var frames = new List<byte[]>();
        for (var t = TimeSpan.Zero; t < span; t += TimeSpan.FromMilliseconds(20))
        {
            _time.Advance(TimeSpan.FromMilliseconds(20));
            frames.AddRange(root.Poll());
        }
        return frames;
    }

}
