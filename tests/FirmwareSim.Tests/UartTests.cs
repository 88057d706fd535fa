using System.Diagnostics;
using FirmwareSim.Uart;

namespace FirmwareSim.Tests;

public class UartTests
{
    private const long Frequency = 1_000_000; // a clock of microseconds

    [Fact]
    public void A_byte_takes_ten_bit_times()
    {
        var line = new UartLine(115200, Frequency);
        line.Wake(0);
        // 115200 baud = 11520 bytes/s: 86.8 us a byte.
        Assert.Equal(0, line.Take(86, 100));
        Assert.Equal(1, line.Take(87, 100));
        Assert.Equal(114, line.Take(10_000, 100_000)); // 10 ms: 115 bytes in all
        Assert.Equal(0, line.Take(10_000, 100_000));
    }

    [Fact]
    public void No_more_than_is_pending_and_idle_time_is_not_credited()
    {
        var line = new UartLine(9600, Frequency);
        line.Wake(0);
        Assert.Equal(3, line.Take(1_000_000, 3)); // a second would allow 960
        line.Wake(2_000_000); // new bytes after an idle second start now
        Assert.Equal(0, line.Take(2_001_000, 10));
        Assert.Equal(1, line.Take(2_001_042, 10));
    }

    [Fact]
    public void Transmitter_paces_in_chunks_and_keeps_the_order()
    {
        var port = new RecordingPort();
        var bytes = Enumerable.Range(0, 2304).Select(i => (byte)i).ToArray();
        var stopwatch = Stopwatch.StartNew();
        using (var transmitter = new UartTransmitter(port, 115200, TimeProvider.System))
        {
            Assert.True(transmitter.Send(bytes.AsSpan(0, 1000)));
            Assert.True(transmitter.Send(bytes.AsSpan(1000)));
            Assert.True(SpinWait.SpinUntil(() => port.Length == bytes.Length, TimeSpan.FromSeconds(30)));
        }
        var elapsed = stopwatch.Elapsed;

        // 2304 bytes at 11520 bytes/s: 200 ms.
        // Never faster than the line; slower only as much as a busy machine delays the transmitter's thread.
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(190), TimeSpan.FromSeconds(10));
        Assert.Equal(bytes, port.Bytes());
        // Chunks of a few ms, not one write a byte nor one in all (a delayed thread catches up in fewer, larger chunks).
        Assert.InRange(port.Writes, 2, 1000);
    }

    [Fact]
    public void Transmitter_drops_a_frame_that_does_not_fit()
    {
        using var transmitter = new UartTransmitter(new RecordingPort(), 300, TimeProvider.System, capacity: 100);
        Assert.True(transmitter.Send(new byte[80]));
        Assert.False(transmitter.Send(new byte[30]));
        Assert.Equal(1, transmitter.Overflows);
    }

    private sealed class RecordingPort : IUartPort
    {
        private readonly List<byte> _bytes = [];
        private int _writes;

        public int Length
        {
            get { lock (_bytes) return _bytes.Count; }
        }

        public int Writes => Volatile.Read(ref _writes);

        public byte[] Bytes()
        {
            lock (_bytes) return [.. _bytes];
        }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            Interlocked.Increment(ref _writes);
            lock (_bytes) _bytes.AddRange(bytes);
        }
    }
}
