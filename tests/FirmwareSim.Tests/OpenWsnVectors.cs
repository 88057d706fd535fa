using System.Text.Json;

namespace FirmwareSim.Tests;

/// <summary>The shared OpenWSN vectors: <c>&lt;repo root&gt;/../shared/vectors/openwsn</c>, as CI clones shared/ beside the repo.</summary>
internal static class OpenWsnVectors
{
    public static string Folder { get; } = Locate();

    public static JsonElement Load(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder, file)));
        return document.RootElement.Clone();
    }

    /// <summary>The array under the file's main key, e.g. "mote_to_pc_data" in mote_to_pc_data.json.</summary>
    public static JsonElement[] Array(string name, string? file = null) =>
        [.. Load((file ?? name) + ".json").GetProperty(name).EnumerateArray()];

    public static byte[] Hex(this JsonElement element, string property) =>
        Convert.FromHexString(element.GetProperty(property).GetString()!);

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Agent.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "vectors", "openwsn"));
        }
        throw new DirectoryNotFoundException($"No Agent.sln above {AppContext.BaseDirectory}: cannot find shared/vectors/openwsn.");
    }
}
