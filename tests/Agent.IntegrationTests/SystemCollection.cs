namespace Agent.IntegrationTests;

/// <summary>
/// Every test that needs the broker, network namespaces or TUN runs in this one collection:
/// sequentially, sharing one broker node (STACK.md, Testing).
/// </summary>
[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<BrokerFixture>
{
    public const string Name = "system";
}
