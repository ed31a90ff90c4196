using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace TokenValidation.Testing.Tests;

public sealed class AuthKitStandInTests : IAsyncLifetime
{
    private AuthKitStandIn _authKit = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _authKit = await AuthKitStandIn.StartAsync();
        _http = new HttpClient { BaseAddress = _authKit.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _authKit.DisposeAsync();
    }

    private Task<HttpResponseMessage> UserInfoAsync(string? token, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/oauth/userinfo");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return _http.SendAsync(request, cancellationToken);
    }

    [Fact]
    public void Authority_has_no_trailing_slash()
    {
        Assert.Matches(@"^http://127\.0\.0\.1:\d+$", _authKit.Authority);
        Assert.Equal(_authKit.Port, _authKit.BaseAddress.Port);
        Assert.Equal(_authKit.Authority + "/oauth/userinfo", _authKit.UserInfoEndpoint.ToString());
    }

    [Fact]
    public async Task Known_token_answers_200_with_user_and_extra_fields()
    {
        _authKit.AddUser("mat_good", "usr_1", "a@example.com", "Ada", new { scope = "mcp:tools openid", org_id = "org_1" });

        using var response = await UserInfoAsync("mat_good");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("usr_1", json.RootElement.GetProperty("sub").GetString());
        Assert.Equal("a@example.com", json.RootElement.GetProperty("email").GetString());
        Assert.Equal("Ada", json.RootElement.GetProperty("name").GetString());
        Assert.Equal("mcp:tools openid", json.RootElement.GetProperty("scope").GetString());
        Assert.Equal("org_1", json.RootElement.GetProperty("org_id").GetString());
        Assert.Equal(1, _authKit.UserInfoCalls);
        Assert.Equal("Bearer mat_good", _authKit.LastAuthorization);
    }

    [Fact]
    public async Task Unknown_or_missing_token_answers_401_invalid_token()
    {
        using var unknown = await UserInfoAsync("mat_unknown");
        using var missing = await UserInfoAsync(null);

        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Contains("error=\"invalid_token\"", unknown.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(2, _authKit.UserInfoCalls);
        Assert.Null(_authKit.LastAuthorization);

        _authKit.ResetCounts();
        Assert.Equal(0, _authKit.UserInfoCalls);
    }

    [Fact]
    public async Task Metadata_documents_name_the_exact_issuer_and_are_counted()
    {
        foreach (var path in new[] { "/.well-known/oauth-authorization-server", "/.well-known/openid-configuration" })
        {
            using var json = JsonDocument.Parse(await _http.GetStringAsync(path));
            var root = json.RootElement;
            Assert.Equal(_authKit.Authority, root.GetProperty("issuer").GetString());
            Assert.Equal(_authKit.Authority + "/oauth/userinfo", root.GetProperty("userinfo_endpoint").GetString());
            Assert.Equal("S256", root.GetProperty("code_challenge_methods_supported")[0].GetString());
            foreach (var name in new[] { "authorization_endpoint", "token_endpoint", "registration_endpoint", "jwks_uri", "scopes_supported", "response_types_supported" })
            {
                Assert.True(root.TryGetProperty(name, out _), name);
            }
        }

        Assert.Equal(2, _authKit.MetadataCalls);
        Assert.Equal(0, _authKit.UserInfoCalls);
    }

    [Fact]
    public async Task FailNext_fails_that_many_calls_then_answers_normally()
    {
        _authKit.AddUser("mat_x", "usr_x");
        _authKit.FailNext(2, 503);

        using var first = await UserInfoAsync("mat_x");
        using var second = await UserInfoAsync("mat_x");
        using var third = await UserInfoAsync("mat_x");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(3, _authKit.UserInfoCalls);
    }

    [Fact]
    public async Task RespondWith_sends_status_body_and_headers()
    {
        _authKit.RespondWith(429, """{"error":"slow_down"}""", headers: new Dictionary<string, string> { ["Retry-After"] = "7" });

        using var response = await UserInfoAsync("mat_any");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("7", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal("""{"error":"slow_down"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Hang_holds_the_request_until_the_client_gives_up()
    {
        _authKit.Hang();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => UserInfoAsync("mat_any", cts.Token));

        Assert.Equal(1, _authKit.UserInfoCalls);
        for (var i = 0; i < 100 && _authKit.CurrentInFlight != 0; i++)
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, _authKit.CurrentInFlight);
    }

    [Fact]
    public async Task CloseConnection_aborts_without_an_answer()
    {
        _authKit.CloseConnection();

        await Assert.ThrowsAsync<HttpRequestException>(() => UserInfoAsync("mat_any"));
    }

    [Fact]
    public async Task Overlapping_requests_are_counted_and_the_high_water_mark_is_recorded()
    {
        // Held until all four are inside the stand-in, so they overlap however slowly a loaded machine starts them.
        _authKit.AddUser("mat_slow", "usr_slow");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _authKit.Behavior = async context =>
        {
            await release.Task.WaitAsync(context.RequestAborted);
            await _authKit.DefaultUserInfoAsync(context);
        };

        var pending = Enumerable.Range(0, 4).Select(_ => UserInfoAsync("mat_slow")).ToList();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (_authKit.CurrentInFlight < 4 && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(10);
        }

        release.SetResult();
        var responses = await Task.WhenAll(pending);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(4, _authKit.UserInfoCalls);
        Assert.Equal(4, _authKit.MaxConcurrentUserInfoCalls);
        Assert.Equal(0, _authKit.CurrentInFlight);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Slow_waits_then_answers_as_by_default()
    {
        _authKit.AddUser("mat_slow", "usr_slow");
        _authKit.Slow(TimeSpan.FromMilliseconds(200));
        var waited = System.Diagnostics.Stopwatch.StartNew();

        using var response = await UserInfoAsync("mat_slow");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(waited.Elapsed >= TimeSpan.FromMilliseconds(190), $"answered after {waited.Elapsed}");
        Assert.Contains("usr_slow", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RespondWithLargeBody_sends_exactly_that_many_bytes_of_json(bool chunked)
    {
        _authKit.RespondWithLargeBody(100_000, chunked);

        using var response = await UserInfoAsync("mat_any");
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(100_000, body.Length);
        Assert.Equal(chunked, response.Headers.TransferEncodingChunked == true);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("usr_large", json.RootElement.GetProperty("sub").GetString());
    }

    [Fact]
    public async Task A_refusing_port_refuses_at_once()
    {
        using var http = new HttpClient();
        var started = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(LoopbackPorts.RefusingAuthority() + "/oauth/userinfo"));

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), started.Elapsed.ToString());
        Assert.Equal(HttpRequestError.ConnectionError, error.HttpRequestError);
    }
}
