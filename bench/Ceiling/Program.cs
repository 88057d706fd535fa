using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Ceiling;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

// The ceiling of our architecture for bench/compare.sh: the least code that relays IP packets
// TUN -> broker -> forwarder -> broker -> TUN with our JSON bodies and topics (PROTOCOL.md 3, 6).
//
//   ceiling end --url URL --name agent_N --netns NS   tun%d in NS with bbbb::N/64 and 10.2.0.N/24; publishes every packet
//                                                      it reads on fromAgent.agent_N.ip.tun.packet.raw and writes every
//                                                      body of toAgent.agent_N.ip.tun.packet.raw into the interface
//   ceiling forward --url URL                          consumes fromAgent.*.ip.tun.packet.raw and sends each packet to
//                                                      toAgent.agent_N.ip.tun.packet.raw for a destination bbbb::N or
//                                                      10.2.0.N (a static table); anything else is dropped
//
// What it leaves out, and our agent and router do not: publisher confirms (each publish is awaited only until the client
// has framed it, never until the broker confirms it), a queue between the TUN reader and the publisher, stats, logs,
// reconnects, acks (every queue is auto-ack, exclusive and server-named), copies for agent_TT, learning addresses.
// What it keeps: the same body as ours, the same message properties, a fresh body with a whole-second timestamp from the
// forwarder, one connection per process with a publishing and a consuming channel.
var options = new Dictionary<string, string>();
for (var i = 1; i + 1 < args.Length; i += 2) options[args[i]] = args[i + 1];
string Option(string name) => options.TryGetValue(name, out var value) ? value
    : throw new ArgumentException($"ceiling {args.ElementAtOrDefault(0)}: {name} is required");
if (args.Length == 0 || args[0] is not ("end" or "forward"))
{
    Console.Error.WriteLine("usage: ceiling end --url URL --name agent_N --netns NS | ceiling forward --url URL");
    return 2;
}

var properties = new BasicProperties { ContentType = "application/json", ContentEncoding = "utf-8", DeliveryMode = DeliveryModes.Persistent };
var factory = new ConnectionFactory { Uri = new Uri(Option("--url")), ClientProvidedName = $"ceiling {args[0]}" };
await using var connection = await factory.CreateConnectionAsync();
await using var publisher = await connection.CreateChannelAsync();
await using var consumer = await connection.CreateChannelAsync();
var output = new ArrayBufferWriter<byte>(16384);
var packet = new byte[65536];
var interfaceName = new byte[256];

async Task ConsumeAsync(string key, AsyncEventHandler<BasicDeliverEventArgs> handler)
{
    var queue = await consumer.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
    await consumer.QueueBindAsync(queue.QueueName, "amq.topic", key);
    var events = new AsyncEventingBasicConsumer(consumer);
    events.ReceivedAsync += handler; // one at a time (ConsumerDispatchConcurrency 1): the buffers are reused safely
    await consumer.BasicConsumeAsync(queue.QueueName, autoAck: true, events);
}

if (args[0] == "end")
{
    var name = Option("--name");
    var n = int.Parse(name["agent_".Length..]);
    var (fd, ifName) = Tun.Create();
    Tun.Configure(ifName, Option("--netns"), n);
    await ConsumeAsync($"toAgent.{name}.ip.tun.packet.raw", (_, delivery) =>
    {
        var length = Body.Read(delivery.Body.Span, packet, interfaceName, out int _);
        if (length > 0) Tun.WritePacket(fd, packet.AsSpan(0, length));
        return Task.CompletedTask;
    });
    var uplink = $"fromAgent.{name}.ip.tun.packet.raw";
    var ifNameBytes = Encoding.ASCII.GetBytes(ifName);
    new Thread(() =>
    {
        var buffer = new byte[65536];
        var body = new ArrayBufferWriter<byte>(16384);
        while (true)
        {
            var length = Tun.ReadPacket(fd, buffer);
            Body.Write(body, buffer.AsSpan(0, length), ifNameBytes, wholeSeconds: false);
            var sent = publisher.BasicPublishAsync("amq.topic", uplink, false, properties, body.WrittenMemory);
            if (!sent.IsCompletedSuccessfully) sent.AsTask().GetAwaiter().GetResult();
        }
    }) { IsBackground = true, Name = "tun reader" }.Start();
    Console.WriteLine($"ceiling end {name}: {ifName} in {Option("--netns")} with bbbb::{n}/64 and 10.2.0.{n}/24");
}
else
{
    var keys = new string?[256]; // agent_N's downlink key, made once
    await ConsumeAsync("fromAgent.*.ip.tun.packet.raw", async (_, delivery) =>
    {
        var length = Body.Read(delivery.Body.Span, packet, interfaceName, out var nameLength);
        var n = length switch
        {
            >= 40 when packet[0] >> 4 == 6 && BinaryPrimitives.ReadUInt64BigEndian(packet.AsSpan(24)) == 0xbbbb_0000_0000_0000
                => PlanHost(BinaryPrimitives.ReadUInt64BigEndian(packet.AsSpan(32))),
            >= 20 when packet[0] >> 4 == 4 && packet[16] == 10 && packet[17] == 2 && packet[18] == 0 => packet[19],
            _ => 0,
        };
        if (n is < 1 or > 254) return;
        Body.Write(output, packet.AsSpan(0, length), interfaceName.AsSpan(0, nameLength), wholeSeconds: true);
        await publisher.BasicPublishAsync("amq.topic", keys[n] ??= $"toAgent.agent_{n}.ip.tun.packet.raw", false, properties,
            output.WrittenMemory);
    });
    Console.WriteLine("ceiling forward: bbbb::N and 10.2.0.N go to agent_N");
}

var stop = new TaskCompletionSource();
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.TrySetResult(); });
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.TrySetResult(); });
await stop.Task;
return 0;

// bbbb::N writes N's decimal digits as a hextet (PROTOCOL.md 5): bbbb::12 is agent_12.
static int PlanHost(ulong interfaceId)
{
    if (interfaceId > 0x254) return 0;
    var n = 0;
    for (var shift = 8; shift >= 0; shift -= 4)
    {
        var digit = (int)(interfaceId >> shift) & 0xf;
        if (digit > 9) return 0;
        n = n * 10 + digit;
    }
    return n;
}
