using System.Net;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests;

/// <summary><c>/.well-known/oauth-authorization-server</c> on the MCP origin: a 308, or a cached copy from the authority.</summary>
public sealed class AuthorizationServerMetadataTests : IClassFixture<AuthKitFixture>
{
    private readonly AuthKitStandIn _authKit;

    public AuthorizationServerMetadataTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    private McpTestAppOptions Options(string mode = "Redirect")
    {
        var options = new McpTestAppOptions(_authKit.Authority);
        options.Settings["TokenValidation:AuthorizationServerMetadataMode"] = mode;
        return options;
    }

    [Theory]
    [InlineData("/.well-known/oauth-authorization-server")]
    [InlineData("/.well-known/oauth-authorization-server/mcp")]
    public async Task Redirect_mode_answers_308_to_the_authority_metadata(string path)
    {
        await using var app = await McpTestApp.StartAsync(Options());

        using var response = await app.GetAsync(path);

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal(_authKit.Authority + "/.well-known/oauth-authorization-server", response.Header("Location"));
        Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
        Assert.Equal(0, _authKit.MetadataCalls);
    }

    [Fact]
    public async Task The_308_target_is_the_authority_document()
    {
        await using var app = await McpTestApp.StartAsync(Options());
        using var redirect = await app.GetAsync("/.well-known/oauth-authorization-server");
        using var client = new HttpClient();

        using var target = await client.GetAsync(redirect.Header("Location"));

        Assert.Equal(HttpStatusCode.OK, target.StatusCode);
        Assert.Contains($"\"issuer\":\"{_authKit.Authority}\"", await target.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_mode_serves_the_authority_document_fetched_once()
    {
        await using var app = await McpTestApp.StartAsync(Options("Proxy"));
        using var client = new HttpClient();
        var original = await client.GetStringAsync(_authKit.Authority + "/.well-known/oauth-authorization-server");
        _authKit.ResetCounts();

        var bodies = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            using var response = await app.GetAsync(i % 2 == 0 ? "/.well-known/oauth-authorization-server" : "/.well-known/oauth-authorization-server/mcp");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Header("Content-Type"));
            Assert.Equal("public, max-age=3600", response.Header("Cache-Control"));
            Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
            bodies.Add(await response.Content.ReadAsStringAsync());
        }

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await app.GetAsync("/.well-known/oauth-authorization-server");
            return await response.Content.ReadAsStringAsync();
        }));

        Assert.All(bodies.Concat(concurrent), body => Assert.Equal(original, body));
        Assert.Equal(1, _authKit.MetadataCalls);
    }

    [Fact]
    public async Task Proxy_mode_refetches_after_the_lifetime_and_serves_stale_when_the_authority_fails()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-21T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var options = Options("Proxy");
        options.Settings["TokenValidation:AuthorizationServerMetadataCacheLifetime"] = "00:10:00";
        options.Services = builder => builder.Services.AddSingleton<TimeProvider>(time);
        await using var app = await McpTestApp.StartAsync(options);

        using (var first = await app.GetAsync("/.well-known/oauth-authorization-server"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal("public, max-age=600", first.Header("Cache-Control"));
        }

        time.Advance(TimeSpan.FromMinutes(11));
        using (var refreshed = await app.GetAsync("/.well-known/oauth-authorization-server"))
        {
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        }

        Assert.Equal(2, _authKit.MetadataCalls);

        _authKit.MetadataBehavior = context =>
        {
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        };
        time.Advance(TimeSpan.FromMinutes(11));
        using var stale = await app.GetAsync("/.well-known/oauth-authorization-server");
        using var again = await app.GetAsync("/.well-known/oauth-authorization-server");

        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Contains($"\"issuer\":\"{_authKit.Authority}\"", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        // The failed refresh is one fetch of two attempts (the shared pipeline retries a 5xx once); then none for 30 s.
        Assert.Equal(4, _authKit.MetadataCalls);
    }

    [Fact]
    public async Task Proxy_mode_fetches_through_the_shared_pipeline_so_a_transient_503_is_retried_once()
    {
        await using var app = await McpTestApp.StartAsync(Options("Proxy"));
        _authKit.MetadataBehavior = context =>
        {
            _authKit.MetadataBehavior = null;
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        };

        using var response = await app.GetAsync("/.well-known/oauth-authorization-server");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"\"issuer\":\"{_authKit.Authority}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, _authKit.MetadataCalls);
    }

    [Fact]
    public async Task Proxy_mode_without_any_copy_is_503_with_retry_after()
    {
        await using var app = await McpTestApp.StartAsync(Options("Proxy"));
        _authKit.MetadataBehavior = context =>
        {
            context.Response.StatusCode = 502;
            return Task.CompletedTask;
        };

        using var response = await app.GetAsync("/.well-known/oauth-authorization-server");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("30", response.Header("Retry-After"));
    }
}
