using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenValidation.Caching;
using TokenValidation.Jwt;
using TokenValidation.Testing;
using JwtValidationResult = Microsoft.IdentityModel.Tokens.TokenValidationResult;

namespace TokenValidation.Benchmarks;

/// <summary>
/// A JWT's first validation (a cache miss, keys already fetched, so no network) through
/// <see cref="ITokenValidationService.ValidateAsync"/>, against bare <see cref="JsonWebTokenHandler.ValidateTokenAsync(string, TokenValidationParameters)"/>
/// with equivalent parameters, in one run.
/// </summary>
/// <remarks>
/// Both sides walk their own pool of RS256 tokens minted by the stand-in (each with its own <c>jti</c>), so consecutive
/// calls never see the same token. The library's side removes the token's L1 entry after each call (no L2 is
/// configured), so a token met again after the pool wraps is a miss again: every measured call parses, checks the
/// signature, hashes, parses the claims and writes L1.
/// </remarks>
[MemoryDiagnoser]
public class JwtMissBenchmarks
{
    private const int PoolSize = 1024;

    private AuthorizationServerStandIn _server = null!;
    private ServiceProvider _provider = null!;
    private ITokenValidationService _service = null!;
    private JwtIssuerRouter _router = null!;
    private string[] _routerPool = null!;
    private int _routerNext;
    private MemoryTokenCache _l1 = null!;
    private string[] _libraryPool = null!;
    private TokenHash[] _libraryHashes = null!;
    private string[] _barePool = null!;
    private int _libraryNext;
    private int _bareNext;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private TokenValidationParameters _parameters = null!;
    private string _sample = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = AuthorizationServerStandIn.StartAsync().GetAwaiter().GetResult();
        _libraryPool = [.. Enumerable.Range(0, PoolSize).Select(_ => JwtBenchmarkHost.MintJwt(_server))];
        _libraryHashes = [.. _libraryPool.Select(BenchmarkData.Hash)];
        _routerPool = [.. Enumerable.Range(0, PoolSize).Select(_ => JwtBenchmarkHost.MintJwt(_server))];
        _barePool = [.. Enumerable.Range(0, PoolSize).Select(_ => JwtBenchmarkHost.MintJwt(_server))];
        _sample = JwtBenchmarkHost.MintJwt(_server);

        _provider = JwtBenchmarkHost.BuildProvider(_server, jwt: true, introspection: false);
        _service = _provider.GetRequiredService<ITokenValidationService>();
        _l1 = _provider.GetRequiredService<TokenValidationService>().MemoryCache;
        _router = _provider.GetRequiredService<JwtIssuerRouter>();

        // The keys the library fetched, from the same JWKS, so both sides verify with the same public keys.
        using var http = new HttpClient();
        var keys = new JsonWebKeySet(http.GetStringAsync(_server.JwksUri).GetAwaiter().GetResult()).GetSigningKeys();
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = _server.Issuer,
            ValidAudience = BenchmarkData.Audience,
            IssuerSigningKeys = keys,
            TryAllIssuerSigningKeys = true,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = false,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256],
            ValidTypes = ["at+jwt", "application/at+jwt"],
            ClockSkew = TimeSpan.FromMinutes(1),
        };

        var first = BenchmarkData.Result(_service.ValidateAsync(_sample));
        BenchmarkData.Expect(first.IsValid && first.Identity!.Subject == BenchmarkData.Subject && first.Identity.Scopes.Count == 4, "the library validates a stand-in JWT");
        BenchmarkData.Expect(BareJsonWebTokenHandler(), "the bare handler validates a stand-in JWT");
        BenchmarkData.Expect(JwtMiss().IsValid, "a pooled JWT validates through the library");
        BenchmarkData.Expect(_l1.Count == 1, $"the measured call leaves no L1 entry behind (L1 holds {_l1.Count})");
        var tampered = _barePool[1][..^4] + (_barePool[1][^4] == 'A' ? "BAAA" : "AAAA");
        BenchmarkData.Expect(!_handler.ValidateTokenAsync(tampered, _parameters).GetAwaiter().GetResult().IsValid, "the bare handler rejects a tampered JWT");
        BenchmarkData.Expect(BenchmarkData.Result(_service.ValidateAsync(tampered)).Outcome == TokenValidationOutcome.Invalid, "the library rejects a tampered JWT");
        BenchmarkData.Expect(ValidatorOnly().IsValid, "the JWT validator alone validates a pooled JWT");
        BenchmarkData.Expect(ParseOnly().Subject == BenchmarkData.Subject, "IdentityModel parses the sample");
        BenchmarkData.Expect(ParseWithIdentity() is { Subject: BenchmarkData.Subject, Claims.Count: > 5 }, "the identity is read during IdentityModel's parse");
        _server.ResetCounts();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// Check: JWKS calls during the run = {_server.JwksCalls}, metadata calls = {_server.MetadataCalls + _server.OpenIdConfigurationCalls} (0 means no network on the measured path).");
        _provider.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The baseline: <see cref="JsonWebTokenHandler"/> alone, parsing the string and checking signature, iss, aud, exp/nbf, typ, algorithm.</summary>
    [Benchmark(Baseline = true)]
    public bool BareJsonWebTokenHandler()
    {
        string token = _barePool[_bareNext++ & (PoolSize - 1)];
        JwtValidationResult result = _handler.ValidateTokenAsync(token, _parameters).GetAwaiter().GetResult();
        return result.IsValid;
    }

    /// <summary>A never-seen JWT through <see cref="ITokenValidationService.ValidateAsync"/>: the same checks plus SHA-256, claims parsing, L1 write.</summary>
    [Benchmark]
    public TokenCheckResult JwtMiss()
    {
        int i = _libraryNext++ & (PoolSize - 1);
        var result = BenchmarkData.Result(_service.ValidateAsync(_libraryPool[i]));
        _l1.Remove(_libraryHashes[i]);
        return result;
    }

    /// <summary>
    /// Where the difference goes: the library's JWT validator alone (issuer routing, parse, keys, the handler with the
    /// library's parameters, claims parsing), without the service around it (no SHA-256, single flight or L1 write).
    /// </summary>
    [Benchmark]
    public TokenCheckResult ValidatorOnly() =>
        BenchmarkData.Result(_router.ValidateAsync(_routerPool[_routerNext++ & (PoolSize - 1)], CancellationToken.None));

    /// <summary>One of the pieces the library adds: SHA-256 of a JWT of this size (the cache key).</summary>
    [Benchmark]
    public ulong Sha256OfJwt() => BenchmarkData.Sha256Floor(_sample);

    /// <summary>Part of both sides: IdentityModel's parse of the token alone (header and payload decoded, claims read).</summary>
    [Benchmark]
    public JsonWebToken ParseOnly() => new(_sample);

    /// <summary>
    /// The same parse with the library's identity hook, and the <see cref="TokenIdentity"/> it gathered: the difference
    /// to <see cref="ParseOnly"/> is what the identity costs.
    /// </summary>
    [Benchmark]
    public TokenIdentity? ParseWithIdentity()
    {
        var reader = new JwtIdentityReader();
        var jwt = new JsonWebToken(_sample, reader.Read);
        return reader.ToIdentity(jwt, [], TokenSources.Jwt);
    }

    /// <summary><see cref="JwtMiss"/> again, measured last but one: with <see cref="BareJsonWebTokenHandlerRepeat"/> it brackets the run against drift.</summary>
    [Benchmark]
    public TokenCheckResult JwtMissRepeat() => JwtMiss();

    /// <summary><see cref="BareJsonWebTokenHandler"/> again, measured last.</summary>
    [Benchmark]
    public bool BareJsonWebTokenHandlerRepeat() => BareJsonWebTokenHandler();
}
