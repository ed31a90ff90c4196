using System.Net;
using System.Net.Http.Headers;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using TokenValidation.AuthKit;
using TokenValidation.Caching;
using TokenValidation.Testing;

namespace TokenValidation.Benchmarks;

/// <summary>
/// A cache miss: the library asks the AuthKit stand-in (real Kestrel on loopback, in this process) and caches the
/// answer, against a bare <see cref="HttpClient"/> GET of the same userinfo URL with the same bearer token.
/// </summary>
/// <remarks>
/// Each measured call removes the token's L1 entry afterwards with the precomputed hash (no L2 is configured), so
/// every call is a miss that goes upstream. Both rows include the stand-in's own work, which runs in this process.
/// </remarks>
[MemoryDiagnoser]
public class MissBenchmarks
{
    private readonly string _token = BenchmarkData.Token;
    private AuthKitStandIn _standIn = null!;
    private ServiceProvider _provider = null!;
    private ITokenValidationService _service = null!;
    private MemoryTokenCache _l1 = null!;
    private TokenHash _hash;
    private HttpClient _http = null!;
    private Uri _userInfo = null!;
    private IHttpClientFactory _libraryClients = null!;
    private ServiceProvider _providerWithoutPipeline = null!;
    private IHttpClientFactory _libraryClientsWithoutPipeline = null!;

    [GlobalSetup]
    public void Setup()
    {
        _standIn = AuthKitStandIn.StartAsync().GetAwaiter().GetResult();
        _standIn.AddUser(_token, BenchmarkData.Subject, BenchmarkData.Email, BenchmarkData.Name, BenchmarkData.UserInfoExtra);
        _userInfo = _standIn.UserInfoEndpoint;

        _provider = BenchmarkData.BuildProvider(_standIn.Authority);
        _service = _provider.GetRequiredService<ITokenValidationService>();
        _l1 = _provider.GetRequiredService<TokenValidationService>().MemoryCache;
        _hash = BenchmarkData.Hash(_token);
        _libraryClients = _provider.GetRequiredService<IHttpClientFactory>();
        _providerWithoutPipeline = BenchmarkData.BuildProvider(
            _standIn.Authority,
            services: s => s.PostConfigure<AuthKitOptions>(o => o.Resilience.Enabled = false));
        _libraryClientsWithoutPipeline = _providerWithoutPipeline.GetRequiredService<IHttpClientFactory>();

        // The same handler settings the library gives its named client.
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        });

        for (int i = 0; i < 3; i++)
        {
            var result = UserInfoMiss().AsTask().GetAwaiter().GetResult();
            BenchmarkData.Expect(result.IsValid && result.Identity!.Subject == BenchmarkData.Subject, "a miss validates through the stand-in");
            BenchmarkData.Expect(BareHttpGet().AsTask().GetAwaiter().GetResult().Length > 0, "the bare GET reads the userinfo answer");
        }

        BenchmarkData.Expect(BareGetThroughLibraryClient().AsTask().GetAwaiter().GetResult().Length > 0, "the library's named client reads the userinfo answer");
        BenchmarkData.Expect(BareGetThroughLibraryClientWithoutPipeline().AsTask().GetAwaiter().GetResult().Length > 0, "the named client without the pipeline reads the answer");
        BenchmarkData.Expect(_standIn.UserInfoCalls == 8, $"every call reaches the stand-in (saw {_standIn.UserInfoCalls})");
        _standIn.ResetCounts();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// Check: userinfo calls during the run = {_standIn.UserInfoCalls}.");
        _http.Dispose();
        _provider.Dispose();
        _providerWithoutPipeline.Dispose();
        _standIn.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The floor: GET userinfo with the bearer token, read the body.</summary>
    [Benchmark(Baseline = true)]
    public ValueTask<byte[]> BareHttpGet() => GetAsync(_http);

    /// <summary>A miss through <see cref="ITokenValidationService.ValidateAsync"/>: userinfo call, parse, cache fill.</summary>
    [Benchmark]
    public async ValueTask<TokenCheckResult> UserInfoMiss()
    {
        var result = await _service.ValidateAsync(_token).ConfigureAwait(false);
        _l1.Remove(_hash);
        return result;
    }

    /// <summary>
    /// Where the difference goes (1): the bare GET sent through the library's named client (<c>CreateClient</c> per call,
    /// its handlers and the resilience pipeline of <c>AuthKit:Resilience</c>), as the validator sends it.
    /// </summary>
    [Benchmark]
    public ValueTask<byte[]> BareGetThroughLibraryClient() => GetAsync(_libraryClients.CreateClient(AuthKitDefaults.HttpClientName));

    /// <summary>
    /// Where the difference goes (2): the same with <c>AuthKit:Resilience:Enabled = false</c>: the named client and the
    /// package's resilience handler with no strategies. The gap to <see cref="BareGetThroughLibraryClient"/> is the strategies.
    /// </summary>
    [Benchmark]
    public ValueTask<byte[]> BareGetThroughLibraryClientWithoutPipeline() => GetAsync(_libraryClientsWithoutPipeline.CreateClient(AuthKitDefaults.HttpClientName));

    private async ValueTask<byte[]> GetAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _userInfo);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
    }
}
