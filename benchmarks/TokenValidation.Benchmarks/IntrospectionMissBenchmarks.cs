using System.Net;
using System.Net.Http.Headers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using TokenValidation.Caching;
using TokenValidation.Introspection;
using TokenValidation.Testing;

namespace TokenValidation.Benchmarks;

/// <summary>
/// An introspection miss (RFC 7662) through <see cref="ITokenValidationService.ValidateAsync"/> against a bare
/// <see cref="HttpClient"/> POST of the same form, with the same credentials, to the same stand-in endpoint.
/// </summary>
/// <remarks>
/// The stand-in is real Kestrel on loopback in this process, so both rows include its work (form parsing, JSON answer).
/// Each library call removes the token's L1 entry afterwards (no L2 is configured), so every call goes upstream; the
/// endpoint comes from the stand-in's metadata, fetched once in set-up.
/// </remarks>
[MemoryDiagnoser]
public class IntrospectionMissBenchmarks
{
    // Unprefixed and not JWT-shaped, so dispatch sends it to introspection; 48 characters like the other opaque tokens.
    private const string Token = "f3Kq9ZbW1xT7mR2vL8nY4cH6pD0sJ5aG3eU9iO1kB7wQ2zX5";

    private AuthorizationServerStandIn _server = null!;
    private ServiceProvider _provider = null!;
    private ITokenValidationService _service = null!;
    private MemoryTokenCache _l1 = null!;
    private TokenHash _hash;
    private HttpClient _http = null!;
    private Uri _endpoint = null!;
    private string _basic = null!;
    private IntrospectionValidator _validator = null!;
    private HttpClient _libraryClient = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = AuthorizationServerStandIn.StartAsync().GetAwaiter().GetResult();
        var extra = new System.Text.Json.Nodes.JsonObject();
        foreach (var (name, value) in JwtBenchmarkHost.Claims())
        {
            extra[name] = (string)value;
        }

        _server.AddActiveToken(Token, BenchmarkData.Subject, BenchmarkData.Audience, BenchmarkData.Scope, TimeSpan.FromDays(1), extra: extra);
        _endpoint = new Uri(_server.IntrospectionEndpoint);
        _basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(AuthorizationServerStandIn.ClientId + ":" + AuthorizationServerStandIn.ClientSecret));

        _provider = JwtBenchmarkHost.BuildProvider(_server, jwt: false, introspection: true);
        _service = _provider.GetRequiredService<ITokenValidationService>();
        _l1 = _provider.GetRequiredService<TokenValidationService>().MemoryCache;
        _hash = BenchmarkData.Hash(Token);
        _validator = _provider.GetRequiredService<IntrospectionValidator>();
        _libraryClient = _provider.GetRequiredService<IHttpClientFactory>().CreateClient(IntrospectionValidator.HttpClientName);

        // The handler settings the library gives its named clients (see MissBenchmarks).
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        });

        for (int i = 0; i < 3; i++)
        {
            var result = IntrospectionMiss().AsTask().GetAwaiter().GetResult();
            BenchmarkData.Expect(result.IsValid && result.Identity!.Subject == BenchmarkData.Subject && result.Identity.Scopes.Count == 4, "a miss validates through the stand-in");
            BenchmarkData.Expect(_server.LastIntrospectionUsedBasic == true, "the library authenticates with client_secret_basic, as the bare POST does");
            var body = BareIntrospectionPost().AsTask().GetAwaiter().GetResult();
            BenchmarkData.Expect(Encoding.UTF8.GetString(body).Contains("\"active\":true", StringComparison.Ordinal), "the bare POST reads an active answer");
        }

        BenchmarkData.Expect(ValidatorOnly().AsTask().GetAwaiter().GetResult().IsValid, "the validator alone validates the token");
        BenchmarkData.Expect(BarePostThroughLibraryClient().AsTask().GetAwaiter().GetResult().Length > 0, "the library's named client posts the form");
        BenchmarkData.Expect(_server.IntrospectionCalls == 8, $"every call reaches the stand-in (saw {_server.IntrospectionCalls})");
        _server.ResetCounts();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// Check: introspection calls during the run = {_server.IntrospectionCalls}, metadata calls = {_server.MetadataCalls + _server.OpenIdConfigurationCalls}.");
        _http.Dispose();
        _provider.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The baseline: POST <c>token</c> and <c>token_type_hint</c> with HTTP Basic client credentials, read the body.</summary>
    [Benchmark(Baseline = true)]
    public async ValueTask<byte[]> BareIntrospectionPost()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Content = new FormUrlEncodedContent([new("token", Token), new("token_type_hint", "access_token")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", _basic);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
    }

    /// <summary>A miss through <see cref="ITokenValidationService.ValidateAsync"/>: the POST, the answer checked and parsed, L1 written.</summary>
    [Benchmark]
    public async ValueTask<TokenCheckResult> IntrospectionMiss()
    {
        var result = await _service.ValidateAsync(Token).ConfigureAwait(false);
        _l1.Remove(_hash);
        return result;
    }

    /// <summary>
    /// Where the difference goes (1): the introspection validator alone, without the service around it (no hash, no
    /// single flight, no L1 write): its named client, resilience pipeline, timeout, span, bounded read, answer checks.
    /// </summary>
    [Benchmark]
    public ValueTask<TokenCheckResult> ValidatorOnly() => _validator.ValidateAsync(Token, CancellationToken.None);

    /// <summary>Where the difference goes (2): the bare POST, sent through the library's named client (its handlers and resilience pipeline).</summary>
    [Benchmark]
    public async ValueTask<byte[]> BarePostThroughLibraryClient()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Content = new FormUrlEncodedContent([new("token", Token), new("token_type_hint", "access_token")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", _basic);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await _libraryClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
    }

    /// <summary><see cref="IntrospectionMiss"/> again, measured last but one (a bracket against drift).</summary>
    [Benchmark]
    public ValueTask<TokenCheckResult> IntrospectionMissRepeat() => IntrospectionMiss();

    /// <summary><see cref="BareIntrospectionPost"/> again, measured last.</summary>
    [Benchmark]
    public ValueTask<byte[]> BareIntrospectionPostRepeat() => BareIntrospectionPost();
}
