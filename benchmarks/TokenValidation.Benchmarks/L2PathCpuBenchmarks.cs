using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenValidation.Caching;
using TokenValidation.Testing;

namespace TokenValidation.Benchmarks;

/// <summary>
/// The CPU cost of the library's L2-hit path without any I/O: level 2 is a <see cref="MemoryDistributedCache"/>,
/// whose reads complete synchronously, so the whole fill (L2 read, timeout wrapper, deserialisation, L1 fill, single
/// flight bookkeeping) runs inline with no thread switch. Against the bare in-memory read, it separates what an L2 hit
/// costs in CPU from what it costs in asynchronous hand-offs when the read really waits on Redis
/// (<see cref="L2HitBenchmarks"/>). Not a §10 row: it explains the L2 figure.
/// </summary>
[MemoryDiagnoser]
public class L2PathCpuBenchmarks
{
    private readonly string _token = BenchmarkData.Token;
    private AuthKitStandIn _standIn = null!;
    private ServiceProvider _provider = null!;
    private ITokenValidationService _service = null!;
    private MemoryTokenCache _l1 = null!;
    private TokenHash _hash;
    private IDistributedCache _cache = null!;
    private string _l2Key = null!;
    private DistributedTokenCache _l2 = null!;
    private readonly CacheValueSerializer _serializer = new(protector: null);
    private byte[] _value = null!;

    [GlobalSetup]
    public void Setup()
    {
        _standIn = AuthKitStandIn.StartAsync().GetAwaiter().GetResult();
        _standIn.AddUser(_token, BenchmarkData.Subject, BenchmarkData.Email, BenchmarkData.Name, BenchmarkData.UserInfoExtra);
        _provider = BenchmarkData.BuildProvider(
            _standIn.Authority,
            services: s => s.AddSingleton<IDistributedCache>(new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()))),
            configure: b => b.AddDistributedCache(o => o.InstanceName = "https://mcp.example.com/mcp"));
        _service = _provider.GetRequiredService<ITokenValidationService>();
        _l1 = _provider.GetRequiredService<TokenValidationService>().MemoryCache;
        _cache = _provider.GetRequiredService<IDistributedCache>();
        _hash = BenchmarkData.Hash(_token);
        _l2 = _provider.GetRequiredService<DistributedTokenCache>();
        _l2Key = _l2.GetKey(_hash);

        BenchmarkData.Expect(BenchmarkData.Result(_service.ValidateAsync(_token)).IsValid, "the stand-in validates the token");
        BenchmarkData.Expect(InMemoryGet() is { Length: > 0 }, "the fill wrote the in-memory L2 entry");
        _value = InMemoryGet()!;
        BenchmarkData.Expect(KeyAndDecode()?.Identity?.Subject == BenchmarkData.Subject, "the stored value decodes to the identity");
        for (int i = 0; i < 3; i++)
        {
            var pending = _service.ValidateAsync(_token);
            BenchmarkData.Expect(_l1.Count == 1 || pending.IsCompletedSuccessfully, "state");
            _l1.Remove(_hash);
            var hit = L2HitInMemory();
            BenchmarkData.Expect(hit.IsValid && _l1.Count == 0, "an in-memory L2 hit returns the identity and L1 is emptied");
        }

        _l1.Remove(_hash);
        var probe = _service.ValidateAsync(_token);
        BenchmarkData.Expect(probe.IsCompletedSuccessfully, "an in-memory L2 hit completes synchronously (no thread switch)");
        _l1.Remove(_hash);
        BenchmarkData.Expect(_standIn.UserInfoCalls == 1, $"L2 hits make no userinfo call (saw {_standIn.UserInfoCalls})");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// Check: userinfo calls during the run = {_standIn.UserInfoCalls - 1} (0 means every measured validation was an L2 hit).");
        _provider.Dispose();
        _standIn.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The floor: the in-memory L2 read of the library's key (completes synchronously).</summary>
    [Benchmark(Baseline = true)]
    public byte[]? InMemoryGet() => _cache.GetAsync(_l2Key).GetAwaiter().GetResult();

    /// <summary>
    /// The floor of any L2 hit besides the read: the key string and the stored value decoded into the identity (what the
    /// path must allocate whatever else it does). Not measured against a target.
    /// </summary>
    [Benchmark]
    public TokenCheckResult? KeyAndDecode() => _serializer.Deserialize(_value, _l2.GetKey(_hash))?.Result;

    /// <summary>An L2 hit through <see cref="ITokenValidationService.ValidateAsync"/> over the in-memory L2 (then L1 is emptied).</summary>
    [Benchmark]
    public TokenCheckResult L2HitInMemory()
    {
        var result = BenchmarkData.Result(_service.ValidateAsync(_token));
        _l1.Remove(_hash);
        return result;
    }
}
