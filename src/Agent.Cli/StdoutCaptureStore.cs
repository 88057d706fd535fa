using Agent.Core.Capture;

namespace Agent.Cli;

/// <summary>
/// <c>agent capture --write -</c>: the one capture "file" is stdout, for <c>| tshark -r -</c> or
/// <c>| wireshark -k -i -</c>. Every record is written whole and flushed (<see cref="PcapNgWriter"/> does), so the
/// reader sees each packet as it arrives. When the reader goes away (a broken pipe), <see cref="Closed"/> fires so
/// that the capture ends rather than failing on every packet.
/// </summary>
public sealed class StdoutCaptureStore : ICaptureStore, IDisposable
{
    public const string Path = "-";

    private readonly CancellationTokenSource _closed = new();

    public CancellationToken Closed => _closed.Token;

    /// <summary>
    /// File descriptor 1 as a plain unbuffered stream: unlike <see cref="Console.OpenStandardOutput()"/>, which ignores
    /// EPIPE, it reports a reader that went away.
    /// </summary>
    public Stream Create(string path) =>
        new PipeStream(new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0), _closed);

    public void Delete(string path) => throw new NotSupportedException("stdout is never rotated");

    public void Dispose() => _closed.Dispose();

    private sealed class PipeStream(Stream stdout, CancellationTokenSource closed) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Guard(() => stdout.Write(buffer, offset, count));

        public override void Flush() => Guard(stdout.Flush);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        private void Guard(Action write)
        {
            try
            {
                write();
            }
            catch (IOException)
            {
                if (!closed.IsCancellationRequested) closed.Cancel();
                throw;
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) stdout.Dispose();
            base.Dispose(disposing);
        }
    }
}
