using System.Text.Json;
using Agent.Testing;

namespace FirmwareSim.Tests;

/// <summary>The shared OpenWSN vectors, <c>vectors/openwsn</c> of <see cref="Vectors"/>.</summary>
internal static class OpenWsnVectors
{
    public static JsonElement Load(string file) => Vectors.Load(Path.Combine("openwsn", file));

    /// <summary>The array under the file's main key, e.g. "mote_to_pc_data" in mote_to_pc_data.json.</summary>
    public static JsonElement[] Array(string name, string? file = null) =>
        [.. Load((file ?? name) + ".json").GetProperty(name).EnumerateArray()];
}
