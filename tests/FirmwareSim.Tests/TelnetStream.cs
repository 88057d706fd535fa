using Agent.Framing.Telnet;

namespace FirmwareSim.Tests;

/// <summary>The data of a telnet connection as a plain stream: writes are IAC-escaped, reads have the commands taken out (and kept).</summary>
internal sealed class TelnetStream(Stream inner) : Stream, ITelnetSink
{
    private readonly TelnetDecoder _decoder = new();

    /// <summary>The commands seen so far: <c>DO 44</c>, <c>SB 44 650000e100</c>.</summary>
    public List<string> Commands { get; } = [];

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            if (n == 0) return 0;
            n = _decoder.Decode(buffer.Span[..n], buffer.Span, this);
            if (n > 0) return n;
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var escaped = new byte[TelnetEncoder.MaxEscapedLength(buffer.Length)];
        await inner.WriteAsync(escaped.AsMemory(0, TelnetEncoder.Escape(buffer.Span, escaped)), cancellationToken);
    }

    /// <summary>Sends telnet bytes as they are (negotiations, subnegotiations).</summary>
    public Task SendCommandAsync(byte[] command) => inner.WriteAsync(command).AsTask();

    public void OnNegotiation(byte verb, byte option)
    {
        lock (Commands) Commands.Add($"{TelnetCodes.VerbName(verb)} {option}");
    }

    public void OnSubnegotiation(byte option, ReadOnlySpan<byte> value)
    {
        lock (Commands) Commands.Add($"SB {option} {Convert.ToHexStringLower(value)}");
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
