using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using TokenValidation.ApiKeys;
using TokenValidation.Testing;

namespace TokenValidation.Benchmarks;

/// <summary>
/// CONTRACT §10 (issue 15, item 2): every cached token kind costs an L1 hit. A cached introspection answer and a cached
/// API key, each against the SHA-256 floor of the same token, in one run and bracketed (floor, hit, …, hit, floor)
/// like the other §10 pairs. The cached JWT is <see cref="JwtL1HitBenchmarks"/>.
/// </summary>
/// <remarks>
/// The introspection token is opaque (48 characters) and introspected once in set-up against the authorization-server
/// stand-in; the API key is validated once. The clean-up checks that no introspection call happened during the run.
/// </remarks>
[MemoryDiagnoser]
public class CachedTokenKindsBenchmarks
{
    private const string OpaqueToken = "cached_opaque_4f3a9c1e7b2d8a6f0e5c4b3a2d1f0e9c8b7a";

    private readonly ApiKey _apiKey = ApiKeyGenerator.Generate();
    private AuthorizationServerStandIn _server = null!;
    private AuthKitStandIn _authKit = null!;
    private ServiceProvider _introspection = null!;
    private ServiceProvider _apiKeys = null!;
    private ITokenValidationService _introspectionService = null!;
    private ITokenValidationService _apiKeyService = null!;
    private int _introspectionCalls;

    [GlobalSetup]
    public void Setup()
    {
        _server = AuthorizationServerStandIn.StartAsync().GetAwaiter().GetResult();
        _server.AddActiveToken(OpaqueToken, BenchmarkData.Subject, BenchmarkData.Audience, BenchmarkData.Scope, TimeSpan.FromDays(1));
        _introspection = JwtBenchmarkHost.BuildProvider(_server, jwt: false, introspection: true);
        _introspectionService = _introspection.GetRequiredService<ITokenValidationService>();

        _authKit = AuthKitStandIn.StartAsync().GetAwaiter().GetResult();
        _apiKeys = BenchmarkData.BuildProvider(_authKit.Authority, _apiKey);
        _apiKeyService = _apiKeys.GetRequiredService<ITokenValidationService>();

        BenchmarkData.Expect(BenchmarkData.Result(_introspectionService.ValidateAsync(OpaqueToken)) is { IsValid: true, Identity.Source: TokenSources.Introspection }, "the opaque token is introspected as valid");
        BenchmarkData.Expect(BenchmarkData.Result(_apiKeyService.ValidateAsync(_apiKey.Key)) is { IsValid: true, Identity.Source: TokenSources.ApiKey }, "the API key validates");
        _introspectionCalls = _server.IntrospectionCalls;
        BenchmarkData.Expect(CachedIntrospection().IsValid && CachedApiKey().IsValid, "both hit L1");
        BenchmarkData.Expect(_server.IntrospectionCalls == _introspectionCalls, "a cached introspection answer makes no call");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// Check: introspection calls during the run = {_server.IntrospectionCalls - _introspectionCalls} (0 means every measured call was an L1 hit).");
        _introspection.Dispose();
        _apiKeys.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _authKit.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The floor for the opaque token: SHA-256 of its UTF-8 bytes.</summary>
    [Benchmark(Baseline = true)]
    public ulong Sha256FloorOpaque() => BenchmarkData.Sha256Floor(OpaqueToken);

    /// <summary>A cached introspection answer (L1 hit).</summary>
    [Benchmark]
    public TokenCheckResult CachedIntrospection() => BenchmarkData.Result(_introspectionService.ValidateAsync(OpaqueToken));

    /// <summary>The floor for the API key.</summary>
    [Benchmark]
    public ulong Sha256FloorApiKey() => BenchmarkData.Sha256Floor(_apiKey.Key);

    /// <summary>A cached API key (L1 hit).</summary>
    [Benchmark]
    public TokenCheckResult CachedApiKey() => BenchmarkData.Result(_apiKeyService.ValidateAsync(_apiKey.Key));

    /// <summary><see cref="CachedApiKey"/> again (bracketing against drift).</summary>
    [Benchmark]
    public TokenCheckResult CachedApiKeyRepeat() => CachedApiKey();

    /// <summary><see cref="Sha256FloorApiKey"/> again.</summary>
    [Benchmark]
    public ulong Sha256FloorApiKeyRepeat() => Sha256FloorApiKey();

    /// <summary><see cref="CachedIntrospection"/> again.</summary>
    [Benchmark]
    public TokenCheckResult CachedIntrospectionRepeat() => CachedIntrospection();

    /// <summary><see cref="Sha256FloorOpaque"/> again, measured last.</summary>
    [Benchmark]
    public ulong Sha256FloorOpaqueRepeat() => Sha256FloorOpaque();
}
