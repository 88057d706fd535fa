namespace FirmwareSim.Uart;

/// <summary>
/// Sends bytes to an <see cref="IUartPort"/> no faster than a UART at the given baud: a thread wakes every
/// millisecond or so and writes, in one call, the bytes whose time has come. The queue is bounded like a mote's
/// transmit buffer: a frame that does not fit is dropped whole.
/// </summary>
public sealed class UartTransmitter : IDisposable
{
    private readonly IUartPort _port;
    private readonly UartLine _line;
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private readonly Queue<byte[]> _queue = new();
    private readonly Thread _thread;
    private int _headOffset; // bytes of the queue's head already sent
    private int _pending;
    private bool _stopping;
    private long _overflows;

    public UartTransmitter(IUartPort port, int baud, TimeProvider time, int capacity = 64 * 1024)
    {
        _port = port;
        _time = time;
        _capacity = capacity;
        _line = new UartLine(baud, time.TimestampFrequency);
        _thread = new Thread(Run) { IsBackground = true, Name = "uart-tx" };
        _thread.Start();
    }

    /// <summary>Frames dropped because the transmit queue was full.</summary>
    public long Overflows => Interlocked.Read(ref _overflows);

    /// <summary>Queues <paramref name="bytes"/> (one frame, maybe followed by line noise); false if it did not fit.</summary>
    public bool Send(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return true;
        lock (_queue)
        {
            if (_stopping) return false;
            if (_pending + bytes.Length > _capacity)
            {
                _overflows++;
                return false;
            }
            _queue.Enqueue(bytes.ToArray());
            _pending += bytes.Length;
            Monitor.Pulse(_queue);
            return true;
        }
    }

    /// <summary>Stops the thread; bytes still queued are never sent (the cable was pulled).</summary>
    public void Dispose()
    {
        lock (_queue)
        {
            _stopping = true;
            Monitor.Pulse(_queue);
        }
        if (Thread.CurrentThread != _thread) _thread.Join();
    }

    private void Run()
    {
        var chunk = new byte[_capacity];
        while (true)
        {
            lock (_queue)
            {
                while (_pending == 0 && !_stopping) Monitor.Wait(_queue);
                if (_stopping) return;
            }
            _line.Wake(_time.GetTimestamp());

            while (true)
            {
                int n;
                bool more;
                lock (_queue)
                {
                    if (_stopping) return;
                    n = _line.Take(_time.GetTimestamp(), _pending);
                    Dequeue(chunk.AsSpan(0, n));
                    more = _pending > 0;
                }
                if (n > 0) _port.Write(chunk.AsSpan(0, n));
                if (!more) break;
                // Sleep until the next byte is due, but at least ~1 ms: bytes go out in chunks, never one by one.
                var wait = _time.GetElapsedTime(_time.GetTimestamp(), _line.NextDue);
                Thread.Sleep(wait > TimeSpan.FromMilliseconds(1) ? wait : TimeSpan.FromMilliseconds(1));
            }
        }
    }

    private void Dequeue(Span<byte> destination)
    {
        var copied = 0;
        while (copied < destination.Length)
        {
            var head = _queue.Peek();
            var n = Math.Min(head.Length - _headOffset, destination.Length - copied);
            head.AsSpan(_headOffset, n).CopyTo(destination[copied..]);
            copied += n;
            _headOffset += n;
            if (_headOffset == head.Length)
            {
                _queue.Dequeue();
                _headOffset = 0;
            }
        }
        _pending -= copied;
    }
}
