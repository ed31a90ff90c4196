using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using TokenValidation.ApiKeys;
using TokenValidation.Caching;

namespace TokenValidation.Benchmarks;

/// <summary>
/// API keys (an L1 hit, and the uncached check against the key store) and tokens rejected before any cache or
/// network work (a prefix no validator claims, a character outside RFC 6750's b64token set), against the same
/// SHA-256 floor as <see cref="L1HitBenchmarks"/>.
/// </summary>
/// <remarks>
/// No AuthKit call can happen here: the authority is an unused address and only <c>wcd_</c> keys and rejected tokens
/// are validated. The key store holds 10 keys (the default store compares against every one in fixed time).
/// </remarks>
[MemoryDiagnoser]
public class ApiKeyAndRejectionBenchmarks
{
    private const int StoredKeys = 10;

    private readonly string _token = BenchmarkData.Token;
    private ServiceProvider _provider = null!;
    private ITokenValidationService _service = null!;
    private MemoryTokenCache _l1 = null!;
    private string _apiKey = null!;
    private TokenHash _apiKeyHash;

    [GlobalSetup]
    public void Setup()
    {
        var key = ApiKeyGenerator.Generate();
        _apiKey = key.Key;
        _apiKeyHash = BenchmarkData.Hash(_apiKey);
        _provider = BenchmarkData.BuildProvider(
            "http://127.0.0.1:9",
            apiKey: key,
            services: s => s.Configure<ApiKeyOptions>(o =>
            {
                for (int i = 1; i < StoredKeys; i++)
                {
                    o.Keys.Add(new ApiKeyDescriptor { Name = $"other-{i}", Hash = ApiKeyGenerator.Generate().Hash });
                }
            }));
        _service = _provider.GetRequiredService<ITokenValidationService>();
        _l1 = _provider.GetRequiredService<TokenValidationService>().MemoryCache;

        BenchmarkData.Expect(ApiKeyUncached().Identity?.Name == "bench-bot", "the API key validates");
        BenchmarkData.Expect(_l1.Count == 0, "the uncached row leaves L1 empty");
        BenchmarkData.Expect(BenchmarkData.Result(_service.ValidateAsync(_apiKey)).IsValid, "the API key fills L1");
        BenchmarkData.Expect(ApiKeyL1Hit().IsValid && _l1.Count == 1, "the API key hits L1");
        BenchmarkData.Expect(RejectUnknownPrefix() is { IsValid: false, Error: TokenErrors.InvalidToken }, "an unknown prefix is invalid_token");
        BenchmarkData.Expect(RejectBadCharacter() is { IsValid: false }, "a bad character is rejected");
        BenchmarkData.Expect(_l1.Count == 1, "rejections are not cached");
    }

    [GlobalCleanup]
    public void Cleanup() => _provider.Dispose();

    /// <summary>The floor: SHA-256 of the 48-char token's UTF-8 bytes (as in <see cref="L1HitBenchmarks"/>).</summary>
    [Benchmark(Baseline = true)]
    public ulong Sha256Floor() => BenchmarkData.Sha256Floor(_token);

    /// <summary>A <c>wcd_</c> API key served from L1.</summary>
    [Benchmark]
    public TokenCheckResult ApiKeyL1Hit() => BenchmarkData.Result(_service.ValidateAsync(_apiKey));

    /// <summary>An API key not in L1: hash, fixed-time store lookup over 10 keys, identity, L1 fill (then L1 is emptied).</summary>
    [Benchmark]
    public TokenCheckResult ApiKeyUncached()
    {
        var result = BenchmarkData.Result(_service.ValidateAsync(_apiKey));
        _l1.Remove(_apiKeyHash);
        return result;
    }

    /// <summary>A well-formed token with a prefix no validator claims.</summary>
    [Benchmark]
    public TokenCheckResult RejectUnknownPrefix() => BenchmarkData.Result(_service.ValidateAsync(BenchmarkData.UnknownPrefixToken));

    /// <summary>A <c>mat_</c> token with a character outside the b64token set.</summary>
    [Benchmark]
    public TokenCheckResult RejectBadCharacter() => BenchmarkData.Result(_service.ValidateAsync(BenchmarkData.BadCharacterToken));
}
