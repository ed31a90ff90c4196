using System.Security.Cryptography;

namespace TokenValidation.Tests.Introspection;

/// <summary>
/// CONTRACT §12: the introspection endpoint is found once from the issuer's metadata, and misses that arrive together
/// before it is known share that one discovery instead of each reading the metadata.
/// </summary>
public sealed class IntrospectionDiscoveryTests
{
    private const string Resource = IntrospectionHost.Resource;

    [Fact]
    public async Task Concurrent_first_misses_share_one_discovery_of_the_endpoint()
    {
        await using var host = await IntrospectionHost.StartAsync(issuerPath: "/tenant-c");
        var tokens = Enumerable.Range(0, 20).Select(_ => "opaque_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16))).ToArray();
        foreach (var (token, i) in tokens.Select((t, i) => (t, i)))
        {
            host.Server.AddActiveToken(token, $"user_{i}", Resource);
        }

        using var start = new ManualResetEventSlim();
        var misses = tokens.Select(t => Task.Run(async () =>
        {
            start.Wait();
            return await host.Validation.ValidateAsync(t);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(misses);

        Assert.All(results, r => Assert.Equal(TokenValidationOutcome.Valid, r.Outcome));
        Assert.Equal(1, host.Server.MetadataCalls);
        Assert.Equal(20, host.Server.IntrospectionCalls);
    }
}
