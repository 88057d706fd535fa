using Agent.Core.Capture;

namespace Agent.Cli;

/// <summary>Capture files on disk. Unbuffered: every record the writers hand over in one write reaches the file whole.</summary>
public sealed class FileCaptureStore : ICaptureStore
{
    public Stream Create(string path) =>
        new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);

    public void Delete(string path) => File.Delete(path);
}
