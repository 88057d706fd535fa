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
