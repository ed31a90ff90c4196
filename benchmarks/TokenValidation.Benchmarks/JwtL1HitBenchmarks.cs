using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using TokenValidation.Caching;
using TokenValidation.Testing;

namespace TokenValidation.Benchmarks;

/// <summary>
/// CONTRACT.md §10's "every cached token kind costs the same": a cached RS256 JWT (an L1 hit) against the floor, a bare
/// SHA-256 of the same token's bytes.
/// </summary>
/// <remarks>
/// The JWT is validated once in set-up (keys fetched, signature checked), so every measured call is an L1 hit; the
/// clean-up prints the stand-in's call counts to show no key was fetched again. A JWT is about 15 times longer than
/// the 48-character opaque token of <see cref="L1HitBenchmarks"/>, so both rows scale with its length.
/// </remarks>
[MemoryDiagnoser]
public class JwtL1HitBenchmarks
{
    private AuthorizationServerStandIn _server = null!;
    private ServiceProvider _provider = null!;
    private ITokenValidationService _service = null!;
    private string _token = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = AuthorizationServerStandIn.StartAsync().GetAwaiter().GetResult();
        _token = JwtBenchmarkHost.MintJwt(_server);
        _provider = JwtBenchmarkHost.BuildProvider(_server, jwt: true, introspection: false);
        _service = _provider.GetRequiredService<ITokenValidationService>();
        var first = BenchmarkData.Result(_service.ValidateAsync(_token));
        BenchmarkData.Expect(first.IsValid && first.Identity!.Subject == BenchmarkData.Subject, "the library validates the stand-in's JWT");
        _server.ResetCounts();
        for (int i = 0; i < 3; i++)
        {
            BenchmarkData.Expect(JwtL1Hit().IsValid, "cached JWT hits are valid");
        }

        BenchmarkData.Expect(_server.JwksCalls == 0, "hits fetch no keys");
        Console.WriteLine($"// JWT length: {_token.Length} characters.");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// Check: JWKS calls during the run = {_server.JwksCalls} (0 means every measured validation was an L1 hit).");
        _provider.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The floor: UTF-8 bytes of the JWT into a stack buffer and <c>SHA256.HashData</c>, as the library does.</summary>
    [Benchmark(Baseline = true)]
    public ulong Sha256Floor() => BenchmarkData.Sha256Floor(_token);

    /// <summary>A cached JWT through <see cref="ITokenValidationService.ValidateAsync"/> (the ValueTask completes synchronously).</summary>
    [Benchmark]
    public TokenCheckResult JwtL1Hit() => BenchmarkData.Result(_service.ValidateAsync(_token));

    /// <summary>Where the difference goes: the library's own key computation (<see cref="TokenHash.Compute"/>) for this token.</summary>
    [Benchmark]
    public int TokenHashCompute() => TokenHash.Compute(_token).GetHashCode();

    /// <summary><see cref="JwtL1Hit"/> again, measured last but one (a bracket against drift with <see cref="Sha256FloorRepeat"/>).</summary>
    [Benchmark]
    public TokenCheckResult JwtL1HitRepeat() => BenchmarkData.Result(_service.ValidateAsync(_token));

    /// <summary><see cref="Sha256Floor"/> again, measured last.</summary>
    [Benchmark]
    public ulong Sha256FloorRepeat() => BenchmarkData.Sha256Floor(_token);
}
