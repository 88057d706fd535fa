namespace Agent.Core.Capture;

/// <summary>
/// One sequence of capture files: the path given, then numbered ones as <see cref="RotationPolicy"/> says, each a
/// complete capture file of its own (headers and interfaces repeated), the oldest deleted beyond the policy's count.
/// </summary>
public sealed class RotatingCaptureFile : IDisposable
{
    private readonly string _path;
    private readonly RotationPolicy _policy;
    private readonly ICaptureStore _store;
    private readonly Func<Stream, ICaptureWriter> _newWriter;
    private readonly List<string> _kept = [];
    private Stream? _stream;
    private ICaptureWriter? _writer;
    private int _index = -1;
    private bool _disposed;

    public RotatingCaptureFile(string path, RotationPolicy policy, ICaptureStore store, Func<Stream, ICaptureWriter> newWriter)
    {
        _path = path;
        _policy = policy;
        _store = store;
        _newWriter = newWriter;
    }

    /// <summary>The files written and not deleted, oldest first.</summary>
    public IReadOnlyList<string> Files => _kept;

    /// <summary>Files started so far, deleted ones included.</summary>
    public int FilesStarted => _index + 1;

    public long Packets { get; private set; }

    /// <summary>Opens the first file (if not open yet), so that an unwritable path shows at once and an empty capture is still a file.</summary>
    public void Open()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_writer is null) Next();
    }

    /// <summary>Writes one record; true when it was cut to the snap length.</summary>
    public bool Write(CaptureRecord record)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_writer is null || _policy.IsDue(_writer.Length, _writer.Records)) Next();
        var cut = _writer!.Write(record);
        Packets++;
        return cut;
    }

    private void Next()
    {
        _stream?.Dispose();
        _stream = null;
        _writer = null;
        _index++;
        var path = RotationPolicy.NumberedPath(_path, _index);
        _stream = _store.Create(path);
        _kept.Add(path);
        _writer = _newWriter(_stream);
        while (_policy.MaxFiles is { } max && _kept.Count > max)
        {
            _store.Delete(_kept[0]);
            _kept.RemoveAt(0);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _stream?.Dispose();
        _stream = null;
        _writer = null;
    }
}
