using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenValidation.Testing;
using JwtValidationResult = Microsoft.IdentityModel.Tokens.TokenValidationResult;

namespace TokenValidation.Benchmarks;

/// <summary>
/// CONTRACT.md §10, first two bullets, in one class so every ratio comes from one run: an L1 hit against its floor
/// (a bare SHA-256 of the same token) and against what users would otherwise run on every request.
/// </summary>
/// <remarks>
/// The service is built through the public DI path (<c>AddTokenValidation().AddAuthKit().AddApiKeys()</c>) with a
/// real AuthKit stand-in (Kestrel on loopback) behind it; the token is validated once in set-up (one userinfo call),
/// so every measured call is an L1 hit. The set-up checks that, and that each comparison returns what it should.
/// </remarks>
[MemoryDiagnoser]
public class L1HitBenchmarks
{
    private const string IntrospectionCachePrefix = "oauth2introspection:";

    private static readonly int MaxUtf8 = Encoding.UTF8.GetMaxByteCount(BenchmarkData.Token.Length);

    private readonly string _token = BenchmarkData.Token;
    private AuthKitStandIn _standIn = null!;
    private ServiceProvider _provider = null!;
    private ITokenValidationService _service = null!;
    private ServiceProvider _meteredProvider = null!;
    private ITokenValidationService _meteredService = null!;
    private MeterListener _listener = null!;
    private long _measurements;
    private JsonWebTokenHandler _jwtHandler = null!;
    private string _jwt = null!;
    private TokenValidationParameters _jwtParameters = null!;
    private MemoryDistributedCache _distributedCache = null!;
    private MemoryCache _memoryCache = null!;
    private ServiceProvider _hybridProvider = null!;
    private HybridCache _hybridCache = null!;

    [GlobalSetup]
    public void Setup()
    {
        _standIn = AuthKitStandIn.StartAsync().GetAwaiter().GetResult();
        _standIn.AddUser(_token, BenchmarkData.Subject, BenchmarkData.Email, BenchmarkData.Name, BenchmarkData.UserInfoExtra);

        _provider = BenchmarkData.BuildProvider(_standIn.Authority);
        _service = _provider.GetRequiredService<ITokenValidationService>();
        var first = BenchmarkData.Result(_service.ValidateAsync(_token));
        BenchmarkData.Expect(first.IsValid && first.Identity!.Subject == BenchmarkData.Subject, "the stand-in validates the token");

        // The same, with a MeterListener subscribed to this provider's instruments (what OpenTelemetry's AddMeter does).
        _meteredProvider = BenchmarkData.BuildProvider(_standIn.Authority);
        _meteredService = _meteredProvider.GetRequiredService<ITokenValidationService>();
        var meterFactory = _meteredProvider.GetRequiredService<IMeterFactory>();
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meterFactory))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _measurements, value));
        _listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _measurements));
        _listener.Start();
        BenchmarkData.Expect(BenchmarkData.Result(_meteredService.ValidateAsync(_token)).IsValid, "the metered service validates the token");

        for (int i = 0; i < 3; i++)
        {
            BenchmarkData.Expect(L1Hit().IsValid && L1HitWithMetricsListener().IsValid, "L1 hits are valid");
        }

        BenchmarkData.Expect(_standIn.UserInfoCalls == 2, $"one userinfo call per service, then L1 hits (saw {_standIn.UserInfoCalls})");
        BenchmarkData.Expect(Interlocked.Read(ref _measurements) > 0, "the MeterListener receives the library's measurements");

        SetupJwt();
        SetupIntrospection();
        SetupMemoryCache();
        SetupHybridCache();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// Check: userinfo calls during the run = {_standIn.UserInfoCalls - 2} (0 means every measured validation was an L1 hit).");
        _listener.Dispose();
        _meteredProvider.Dispose();
        _provider.Dispose();
        _memoryCache.Dispose();
        _hybridProvider.Dispose();
        _standIn.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// The floor: what the library must do at least, a SHA-256 of the token's UTF-8 bytes (encoded into a stack buffer,
    /// as the library does, so the floor includes getting the bytes of the string).
    /// </summary>
    [Benchmark(Baseline = true)]
    public ulong Sha256Floor() => BenchmarkData.Sha256Floor(_token);

    /// <summary>An L1 hit through <see cref="ITokenValidationService.ValidateAsync"/> (the ValueTask completes synchronously).</summary>
    [Benchmark]
    public TokenCheckResult L1Hit() => BenchmarkData.Result(_service.ValidateAsync(_token));

    /// <summary>
    /// The incumbent introspection handler's cache hit (IdentityModel.AspNetCore.OAuth2Introspection): SHA-256 +
    /// base64 key, <see cref="IDistributedCache"/> read (in memory here), claims back from JSON, a <see cref="ClaimsPrincipal"/>.
    /// </summary>
    [Benchmark]
    public ClaimsPrincipal IntrospectionCacheHit()
    {
        string key = IntrospectionCachePrefix + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(_token)));
        byte[] bytes = _distributedCache.GetAsync(key).GetAwaiter().GetResult()!;
        string json = Encoding.UTF8.GetString(bytes);
        var claims = JsonSerializer.Deserialize<List<ClaimLite>>(json)!;
        var identity = new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "Bearer", "name", "role");
        return new ClaimsPrincipal(identity);
    }

    /// <summary>
    /// Validating an RS256 JWT with <see cref="JsonWebTokenHandler"/>: key in memory, issuer, audience, lifetime and
    /// signature checked. Conservative for the ratio: the lazily built ClaimsIdentity is not materialised.
    /// </summary>
    [Benchmark]
    public bool JwtRs256Validation()
    {
        JwtValidationResult result = _jwtHandler.ValidateTokenAsync(_jwt, _jwtParameters).GetAwaiter().GetResult();
        return result.IsValid;
    }

    /// <summary>SHA-256 + hex key + <see cref="IMemoryCache"/> lookup: the usual hand-rolled cache in front of userinfo.</summary>
    [Benchmark]
    public ClaimsPrincipal? Sha256HexMemoryCache()
    {
        string key = HexKey();
        return _memoryCache.TryGetValue(key, out ClaimsPrincipal? principal) ? principal : null;
    }

    /// <summary>
    /// What a .NET developer would build instead today: the same key derivation (SHA-256, hex) and a
    /// <see cref="HybridCache.GetOrCreateAsync{T}(string, Func{CancellationToken, ValueTask{T}}, HybridCacheEntryOptions?, IEnumerable{string}?, CancellationToken)"/>
    /// hit in its in-memory level. Its best case: the cached caller is immutable, so a hit returns the same instance
    /// instead of deserializing a copy.
    /// </summary>
    [Benchmark]
    public CachedCaller HybridCacheHit()
    {
        var pending = _hybridCache.GetOrCreateAsync(HexKey(), static _ => ValueTask.FromResult(CachedCaller.Missing));
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// <see cref="HybridCacheHit"/> with the caller as most applications would write it (<see cref="MutableCachedCaller"/>):
    /// HybridCache's default for a mutable type, a deserialized copy on every hit. The figure CONTRACT §10's 3× compares with.
    /// </summary>
    [Benchmark]
    public MutableCachedCaller HybridCacheHitMutable()
    {
        var pending = _hybridCache.GetOrCreateAsync(HexKey() + "/m", static _ => ValueTask.FromResult(new MutableCachedCaller()));
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The same hit while a <see cref="MeterListener"/> collects the library's metrics (not a §10 row; shows their cost).</summary>
    [Benchmark]
    public TokenCheckResult L1HitWithMetricsListener() => BenchmarkData.Result(_meteredService.ValidateAsync(_token));

    /// <summary>
    /// <see cref="L1Hit"/> again, measured last but one: with <see cref="Sha256FloorRepeat"/> it brackets the run
    /// (floor, hit, …, hit, floor), so a slow drift of this shared machine's speed cancels in the §10 ratios, which use
    /// the mean of each pair. The two rows of a pair differing shows how much the machine drifted.
    /// </summary>
    [Benchmark]
    public TokenCheckResult L1HitRepeat() => BenchmarkData.Result(_service.ValidateAsync(_token));

    /// <summary><see cref="Sha256Floor"/> again, measured last (see <see cref="L1HitRepeat"/>).</summary>
    [Benchmark]
    public ulong Sha256FloorRepeat() => BenchmarkData.Sha256Floor(_token);

    // The key a hand-built cache front derives per call: SHA-256 of the token's UTF-8 bytes, as hex.
    private string HexKey()
    {
        Span<byte> utf8 = stackalloc byte[MaxUtf8];
        int written = Encoding.UTF8.GetBytes(_token, utf8);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(utf8[..written], hash);
        return Convert.ToHexString(hash);
    }

    private void SetupHybridCache()
    {
        var services = new ServiceCollection();
        services.AddHybridCache();
        _hybridProvider = services.BuildServiceProvider();
        _hybridCache = _hybridProvider.GetRequiredService<HybridCache>();
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(_token), hash);
        var caller = new CachedCaller(BenchmarkData.Subject, BenchmarkData.Email, BenchmarkData.Scope.Split(' '));
        _hybridCache.SetAsync(Convert.ToHexString(hash), caller).AsTask().GetAwaiter().GetResult();
        BenchmarkData.Expect(ReferenceEquals(HybridCacheHit(), caller), "a HybridCache hit returns the cached immutable caller");
        var mutable = new MutableCachedCaller { Subject = BenchmarkData.Subject, Email = BenchmarkData.Email, Scopes = [.. BenchmarkData.Scope.Split(' ')] };
        _hybridCache.SetAsync(Convert.ToHexString(hash) + "/m", mutable).AsTask().GetAwaiter().GetResult();
        var copy = HybridCacheHitMutable();
        BenchmarkData.Expect(!ReferenceEquals(copy, mutable) && copy.Subject == mutable.Subject && copy.Scopes.Count == mutable.Scopes.Count, "a HybridCache hit on a mutable caller returns an equal copy");
    }

    private void SetupJwt()
    {
        var rsa = RSA.Create(2048);
        var signingKey = new RsaSecurityKey(rsa) { KeyId = "bench-1" };
        var publicKey = new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false)) { KeyId = "bench-1" };
        var now = DateTime.UtcNow;
        _jwtHandler = new JsonWebTokenHandler();
        _jwt = _jwtHandler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = BenchmarkData.Issuer,
            Audience = BenchmarkData.Audience,
            IssuedAt = now,
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddDays(1),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = BenchmarkData.Subject,
                ["email"] = BenchmarkData.Email,
                ["name"] = BenchmarkData.Name,
                ["org_id"] = BenchmarkData.OrgId,
                ["sid"] = BenchmarkData.SessionId,
                ["client_id"] = BenchmarkData.ClientId,
                ["scope"] = BenchmarkData.Scope,
            },
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.RsaSha256),
        });
        _jwtParameters = new TokenValidationParameters
        {
            ValidIssuer = BenchmarkData.Issuer,
            ValidAudience = BenchmarkData.Audience,
            IssuerSigningKey = publicKey,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        };
        BenchmarkData.Expect(JwtRs256Validation(), "the RS256 JWT validates");
        var tampered = _jwt[..^4] + (_jwt[^4] == 'A' ? "BAAA" : "AAAA");
        BenchmarkData.Expect(!_jwtHandler.ValidateTokenAsync(tampered, _jwtParameters).GetAwaiter().GetResult().IsValid, "a tampered JWT is rejected");
    }

    private void SetupIntrospection()
    {
        _distributedCache = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
        var claims = new List<ClaimLite>
        {
            new("sub", BenchmarkData.Subject),
            new("email", BenchmarkData.Email),
            new("name", BenchmarkData.Name),
            new("org_id", BenchmarkData.OrgId),
            new("sid", BenchmarkData.SessionId),
            new("client_id", BenchmarkData.ClientId),
        };
        claims.AddRange(BenchmarkData.Scope.Split(' ').Select(s => new ClaimLite("scope", s)));
        string key = IntrospectionCachePrefix + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(_token)));
        _distributedCache.SetString(key, JsonSerializer.Serialize(claims), new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = BenchmarkData.CacheLifetime });
        var principal = IntrospectionCacheHit();
        BenchmarkData.Expect(principal.FindFirst("sub")?.Value == BenchmarkData.Subject && principal.FindAll("scope").Count() == 4, "the introspection cache hit rebuilds the principal");
    }

    private void SetupMemoryCache()
    {
        _memoryCache = new MemoryCache(Options.Create(new MemoryCacheOptions()));
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(_token), hash);
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", BenchmarkData.Subject)], "Bearer"));
        _memoryCache.Set(Convert.ToHexString(hash), principal, BenchmarkData.CacheLifetime);
        BenchmarkData.Expect(ReferenceEquals(Sha256HexMemoryCache(), principal), "the IMemoryCache lookup hits");
    }

    /// <summary>The shape the incumbent introspection handler caches claims in.</summary>
    public sealed record ClaimLite(string Type, string Value);
}
