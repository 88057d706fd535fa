namespace Agent.Core.Tests.Capture;

/// <summary>A write-only stream into memory that records the size of every write and counts flushes.</summary>
public sealed class RecordingStream : Stream
{
    private readonly MemoryStream _bytes = new();

    public List<int> Writes { get; } = [];

    public int Flushes { get; private set; }

    public byte[] ToArray() => _bytes.ToArray();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Writes.Add(buffer.Length);
        _bytes.Write(buffer);
    }

    public override void Flush() => Flushes++;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _bytes.Length;

    public override long Position
    {
        get => _bytes.Position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
