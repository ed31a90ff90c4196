namespace McpServerSample.Tests;

/// <summary>The test classes that share one <see cref="DevSampleFixture"/> process.</summary>
[CollectionDefinition(Name)]
public sealed class DevSampleCollection : ICollectionFixture<DevSampleFixture>
{
    public const string Name = "Development sample";
}
