using System.Net;
using System.Net.Http.Headers;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
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

        BenchmarkData.Expect(_standIn.UserInfoCalls == 6, $"every call reaches the stand-in (saw {_standIn.UserInfoCalls})");
        _standIn.ResetCounts();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// Check: userinfo calls during the run = {_standIn.UserInfoCalls}.");
        _http.Dispose();
        _provider.Dispose();
        _standIn.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The floor: GET userinfo with the bearer token, read the body.</summary>
    [Benchmark(Baseline = true)]
    public async ValueTask<byte[]> BareHttpGet()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _userInfo);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
    }

    /// <summary>A miss through <see cref="ITokenValidationService.ValidateAsync"/>: userinfo call, parse, cache fill.</summary>
    [Benchmark]
    public async ValueTask<TokenCheckResult> UserInfoMiss()
    {
        var result = await _service.ValidateAsync(_token).ConfigureAwait(false);
        _l1.Remove(_hash);
        return result;
    }
}
