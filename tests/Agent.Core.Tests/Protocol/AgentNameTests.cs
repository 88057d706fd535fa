using Agent.Core.Protocol;

namespace Agent.Core.Tests.Protocol;

public sealed class AgentNameTests
{
    [Theory]
    [InlineData("agent_1")]
    [InlineData("coap_client")]
    [InlineData("eut1")]
    [InlineData("agent_TT")]
    public void Routing_key_words_are_names(string text) => Assert.True(AgentName.TryParse(text, out _, out _));

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("agent.1")]
    [InlineData("agent*")]
    [InlineData("agent#")]
    [InlineData("agent 1")]
    [InlineData("agent\t1")]
    public void Anything_that_changes_topic_matching_is_refused(string? text)
    {
        Assert.False(AgentName.TryParse(text, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void A_name_is_as_long_as_fits_in_the_longest_routing_key_of_an_agent()
    {
        Assert.Equal(220, AgentName.MaxBytes);
        Assert.True(AgentName.TryParse(new string('a', 220), out var longest, out _));
        Assert.Equal(255, System.Text.Encoding.UTF8.GetByteCount(Topics.SerialPacketUp(longest.Value)));
        Assert.False(AgentName.TryParse(new string('a', 221), out _, out var error));
        Assert.Contains("fromAgent.<name>.802154.serial.packet.raw", error);
        Assert.False(AgentName.TryParse(new string('é', 111), out _, out _)); // 222 bytes in 111 characters
    }

    [Theory]
    [InlineData("agent_1", 1)]
    [InlineData("agent_254", 254)]
    [InlineData("agent_255", null)]
    [InlineData("agent_0", null)]
    [InlineData("agent_01", null)]
    [InlineData("agent_TT", null)]
    [InlineData("coap_client", null)]
    public void Agent_N_names_a_place_in_the_plan(string text, int? n) => Assert.Equal(n, AgentName.Parse(text).PlanNumber);
}
