namespace Agent.Core.Capture;

/// <summary>
/// What <c>agent capture --write PATH</c> writes. A <c>.pcapng</c> path holds everything in one sequence of files.
/// A classic <c>.pcap</c> file has one link type, so raw IP goes to PATH and 802.15.4 frames to a sibling file,
/// <c>NAME.802154.pcap</c>, created with the first such frame (the ioppytest sniffer also kept them apart). Each
/// sequence rotates on its own.
/// </summary>
public sealed class CaptureFileSet : IDisposable
{
    private readonly string _path;
    private readonly RotationPolicy _rotation;
    private readonly ICaptureStore _store;
    private readonly Dictionary<LinkType, RotatingCaptureFile> _sequences = new();

    public CaptureFileSet(string path, CaptureFormat format, RotationPolicy rotation, ICaptureStore store)
    {
        _path = path;
        Format = format;
        _rotation = rotation;
        _store = store;
    }

    public CaptureFormat Format { get; }

    /// <summary>The path given: the first file of the main sequence.</summary>
    public string MainPath => _path;

    /// <summary>The format a path's extension asks for: <c>.pcapng</c> or <c>.pcap</c> (any case); false for anything else.</summary>
    public static bool TryFormatOf(string path, out CaptureFormat format)
    {
        var extension = Path.GetExtension(path);
        format = extension.Equals(".pcapng", StringComparison.OrdinalIgnoreCase) ? CaptureFormat.PcapNg : CaptureFormat.Pcap;
        return format == CaptureFormat.PcapNg || extension.Equals(".pcap", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The classic pcap file for 802.15.4 frames beside <paramref name="path"/>: <c>session.pcap</c> gives <c>session.802154.pcap</c>.</summary>
    public static string Ieee802154Path(string path) =>
        Path.Combine(Path.GetDirectoryName(path) ?? "", $"{Path.GetFileNameWithoutExtension(path)}.802154{Path.GetExtension(path)}");

    /// <summary>Every file written and kept, oldest first, the main sequence first.</summary>
    public IReadOnlyList<string> Files => _sequences.OrderBy(s => s.Key).SelectMany(s => s.Value.Files).ToList();

    public long Packets => _sequences.Values.Sum(s => s.Packets);

    /// <summary>Opens the main file: an unwritable path fails here, before anything is captured.</summary>
    public void Open() => Sequence(LinkType.RawIp).Open();

    /// <summary>Writes one record; true when it was cut to the snap length.</summary>
    public bool Write(CaptureRecord record) => Sequence(record.LinkType).Write(record);

    private RotatingCaptureFile Sequence(LinkType linkType)
    {
        // pcapng keeps every link type in the one sequence, filed under RawIp.
        var key = Format == CaptureFormat.PcapNg ? LinkType.RawIp : linkType;
        if (_sequences.TryGetValue(key, out var sequence)) return sequence;
        sequence = Format == CaptureFormat.PcapNg
            ? new RotatingCaptureFile(_path, _rotation, _store, stream => new PcapNgWriter(stream))
            : new RotatingCaptureFile(key == LinkType.RawIp ? _path : Ieee802154Path(_path), _rotation, _store,
                stream => new PcapWriter(stream, key));
        _sequences.Add(key, sequence);
        return sequence;
    }

    public void Dispose()
    {
        foreach (var sequence in _sequences.Values) sequence.Dispose();
    }
}
