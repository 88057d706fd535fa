using Agent.Core.Capture;

namespace Agent.Core.Tests.Capture;

/// <summary>Capture files in memory: what each path holds (after it is closed too), and what was deleted.</summary>
public sealed class MemoryCaptureStore : ICaptureStore
{
    private readonly Dictionary<string, MemoryStream> _files = new(StringComparer.Ordinal);

    public List<string> Created { get; } = [];

    public List<string> Deleted { get; } = [];

    public IReadOnlyCollection<string> Existing => _files.Keys;

    public Stream Create(string path)
    {
        var stream = new MemoryStream();
        _files[path] = stream;
        Created.Add(path);
        return stream;
    }

    public void Delete(string path)
    {
        _files.Remove(path);
        Deleted.Add(path);
    }

    /// <summary>The bytes of a file; MemoryStream keeps them after it is disposed.</summary>
    public byte[] Bytes(string path) => _files[path].ToArray();
}
