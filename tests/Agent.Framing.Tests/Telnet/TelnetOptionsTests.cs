using Agent.Framing.Telnet;
using static Agent.Framing.Telnet.TelnetCodes;

namespace Agent.Framing.Tests.Telnet;

public class TelnetOptionsTests
{
    private static string Hex(byte[]? bytes) => bytes is null ? "" : Convert.ToHexStringLower(bytes);

    /// <summary>The agent's side: COM-PORT-OPTION, BINARY and SGA at home; BINARY and SGA from the server.</summary>
    private static TelnetOptions Client() => new([ComPortOption, Binary, SuppressGoAhead], [Binary, SuppressGoAhead]);

    [Fact]
    public void The_offer_asks_for_each_option_once()
    {
        Assert.Equal("fffb2c" + "fffb00" + "fffb03" + "fffd00" + "fffd03", Hex(Client().Offer()));
    }

    [Fact]
    public void Answers_to_what_was_asked_for_are_not_answered_again()
    {
        var client = Client();
        client.Offer();
        Assert.Null(client.Answer(Do, ComPortOption));
        Assert.Null(client.Answer(Will, Binary));
        Assert.Null(client.Answer(Do, Binary));
        Assert.True(client.IsLocal(ComPortOption));
        Assert.True(client.IsRemote(Binary));
        Assert.Null(client.Answer(Do, ComPortOption)); // again: already on, nothing to say
    }

    [Fact]
    public void Unknown_options_are_refused_and_known_ones_agreed_when_the_peer_asks_first()
    {
        var client = Client();
        Assert.Equal("fffe01", Hex(client.Answer(Will, Echo)));   // DONT ECHO
        Assert.Equal("fffc18", Hex(client.Answer(Do, 24)));      // WONT TERMINAL-TYPE
        Assert.Equal("fffd03", Hex(client.Answer(Will, SuppressGoAhead)));
        Assert.Equal("fffb2c", Hex(client.Answer(Do, ComPortOption)));
        Assert.False(client.IsRemote(Echo));
    }

    [Fact]
    public void A_refusal_of_what_was_asked_is_remembered_and_not_answered()
    {
        var client = Client();
        client.Offer();
        Assert.Null(client.Answer(Dont, ComPortOption));
        Assert.True(client.IsLocalRefused(ComPortOption));
        Assert.False(client.IsLocal(ComPortOption));
        Assert.Null(client.Answer(Wont, Binary));
        Assert.False(client.IsRemote(Binary));
    }

    [Fact]
    public void Turning_an_enabled_option_off_is_acknowledged_once()
    {
        var client = Client();
        client.Offer();
        client.Answer(Do, Binary);
        Assert.Equal("fffc00", Hex(client.Answer(Dont, Binary)));
        Assert.Null(client.Answer(Dont, Binary));
        Assert.False(client.IsLocal(Binary));
    }

    [Fact]
    public void Two_sides_negotiating_with_each_other_settle_without_looping()
    {
        var client = Client();
        var server = new TelnetOptions([Binary, SuppressGoAhead], [Binary, SuppressGoAhead, ComPortOption, Echo]);
        var toServer = new Queue<byte[]>([client.Offer()]);
        var toClient = new Queue<byte[]>([server.Offer()]);
        var messages = 0;
        while (toServer.Count + toClient.Count > 0)
        {
            Assert.True(++messages < 50, "the negotiation does not end");
            Deliver(toServer, server, toClient);
            Deliver(toClient, client, toServer);
        }
        Assert.True(client.IsLocal(ComPortOption));
        Assert.True(server.IsRemote(ComPortOption));
        Assert.True(client.IsRemote(Binary) && client.IsLocal(Binary) && server.IsRemote(Binary) && server.IsLocal(Binary));
        Assert.False(server.IsRemote(Echo));
    }

    private static void Deliver(Queue<byte[]> queue, TelnetOptions to, Queue<byte[]> replies)
    {
        if (!queue.TryDequeue(out var bytes)) return;
        for (var i = 0; i + 2 < bytes.Length; i += 3)
            if (to.Answer(bytes[i + 1], bytes[i + 2]) is { } answer) replies.Enqueue(answer);
    }
}
