using System.Text.Json;

namespace Agent.Testing;

/// <summary>The shared test vectors: <c>&lt;repo root&gt;/../shared/vectors</c>, as CI clones shared/ beside the repo.</summary>
public static class Vectors
{
    public static string Folder { get; } = Locate();

    public static JsonElement Load(string relativePath)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder, relativePath)));
        return document.RootElement.Clone();
    }

    public static byte[] Hex(this JsonElement element, string property) =>
        Convert.FromHexString(element.GetProperty(property).GetString()!);

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Agent.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "vectors"));
        }
        throw new DirectoryNotFoundException($"No Agent.sln above {AppContext.BaseDirectory}: cannot find shared/vectors.");
    }
}
