using Agent.Connectors.Serial.Line;

namespace Agent.Connectors.Serial.Tests.Line;

public class LineAddressTests
{
    [Theory]
    [InlineData("/dev/ttyUSB0", LineTransport.Device, "/dev/ttyUSB0", "", 0)]
    [InlineData("tcp://m3-10:20000", LineTransport.Tcp, "tcp://m3-10:20000", "m3-10", 20000)]
    [InlineData("TCP://127.0.0.1:60001", LineTransport.Tcp, "tcp://127.0.0.1:60001", "127.0.0.1", 60001)]
    [InlineData("rfc2217://labhost:4001", LineTransport.Rfc2217, "rfc2217://labhost:4001", "labhost", 4001)]
    [InlineData("rfc2217://[::1]:4001/", LineTransport.Rfc2217, "rfc2217://[::1]:4001", "::1", 4001)]
    public void Reads_devices_and_network_ports(string text, LineTransport transport, string canonical, string host, int port)
    {
        Assert.True(LineAddress.TryParse(text, out var address, out var error), error);
        Assert.Equal(new LineAddress(transport, canonical, host, port), address);
    }

    [Theory]
    [InlineData("udp://m3-10:20000", "unknown scheme udp://")]
    [InlineData("tcp://m3-10", "has no port")]
    [InlineData("tcp://m3-10:20000/dev/ttyUSB0", "nothing after the port")]
    [InlineData("tcp://:20000", "is not tcp://HOST:PORT")]
    [InlineData("rfc2217://host:99999", "is not rfc2217://HOST:PORT")]
    public void Says_what_is_wrong_with_a_bad_address(string text, string problem)
    {
        Assert.False(LineAddress.TryParse(text, out _, out var error));
        Assert.Contains(problem, error);
    }
}
