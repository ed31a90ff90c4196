using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests;

/// <summary>RFC 9728 Protected Resource Metadata: both paths, exact documents and headers, and challenges that lead to them.</summary>
public sealed class ProtectedResourceMetadataTests : IClassFixture<AuthKitFixture>
{
    private readonly AuthKitStandIn _authKit;

    public ProtectedResourceMetadataTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    private McpTestAppOptions Options() => new(_authKit.Authority);

    private string ExpectedDocument(string resource = McpTestApp.Resource) =>
        $"{{\"resource\":\"{resource}\",\"authorization_servers\":[\"{_authKit.Authority}\"],\"scopes_supported\":[\"mcp:tools\",\"mcp:resources\"],\"bearer_methods_supported\":[\"header\"],\"resource_name\":\"Test MCP Server\"}}";

    [Theory]
    [InlineData("/.well-known/oauth-protected-resource")]
    [InlineData("/.well-known/oauth-protected-resource/mcp")]
    public async Task Both_paths_answer_the_document_with_cache_and_cors_headers(string path)
    {
        await using var app = await McpTestApp.StartAsync(Options());

        using var response = await app.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ExpectedDocument(), await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json", response.Header("Content-Type"));
        Assert.Equal("public, max-age=3600", response.Header("Cache-Control"));
        Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Authorization_server_is_written_exactly_as_configured_without_a_trailing_slash()
    {
        await using var app = await McpTestApp.StartAsync(Options());

        using var response = await app.GetAsync("/.well-known/oauth-protected-resource");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains($"\"authorization_servers\":[\"{_authKit.Authority}\"]", body, StringComparison.Ordinal);
        Assert.DoesNotContain(_authKit.Authority + "/\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bare_origin_resource_is_byte_exact_and_empty_arrays_and_absent_values_are_left_out()
    {
        var options = Options();
        options.Settings["TokenValidation:Resource"] = "https://mcp.example.com";
        options.Settings.Remove("TokenValidation:Scopes:0");
        options.Settings.Remove("TokenValidation:Scopes:1");
        options.Settings.Remove("TokenValidation:ResourceName");
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/.well-known/oauth-protected-resource");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            $"{{\"resource\":\"https://mcp.example.com\",\"authorization_servers\":[\"{_authKit.Authority}\"],\"bearer_methods_supported\":[\"header\"]}}",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Path_resource_is_byte_exact_and_documentation_is_published()
    {
        var options = Options();
        options.Settings["TokenValidation:Resource"] = "https://mcp.example.com:8443/v1/mcp";
        options.Settings["TokenValidation:ResourceDocumentation"] = "https://docs.example.com/mcp";
        await using var app = await McpTestApp.StartAsync(options);

        using var root = await app.GetAsync("/.well-known/oauth-protected-resource");
        using var inserted = await app.GetAsync("/.well-known/oauth-protected-resource/v1/mcp");

        var body = await root.Content.ReadAsStringAsync();
        Assert.StartsWith("{\"resource\":\"https://mcp.example.com:8443/v1/mcp\",", body, StringComparison.Ordinal);
        Assert.EndsWith(",\"resource_name\":\"Test MCP Server\",\"resource_documentation\":\"https://docs.example.com/mcp\"}", body, StringComparison.Ordinal);
        Assert.Equal(body, await inserted.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Options_preflight_is_answered()
    {
        await using var app = await McpTestApp.StartAsync(Options());
        using var request = new HttpRequestMessage(HttpMethod.Options, "/.well-known/oauth-protected-resource/mcp");
        request.Headers.Add("Origin", "https://chat.example.com");
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "mcp-protocol-version");

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
        Assert.Equal("GET, HEAD, OPTIONS", response.Header("Access-Control-Allow-Methods"));
        Assert.Equal("mcp-protocol-version", response.Header("Access-Control-Allow-Headers"));
    }

    [Fact]
    public async Task Metadata_is_anonymous_even_under_a_fallback_policy_that_requires_authentication()
    {
        var options = Options();
        options.Services = builder => builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        await using var app = await McpTestApp.StartAsync(options);

        using var metadata = await app.GetAsync("/.well-known/oauth-protected-resource");
        using var asMetadata = await app.GetAsync("/.well-known/oauth-authorization-server");

        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        Assert.Equal(HttpStatusCode.PermanentRedirect, asMetadata.StatusCode);
    }

    [Theory]
    [InlineData("Root")]
    [InlineData("PathInserted")]
    public async Task The_challenge_resource_metadata_url_fetched_back_returns_the_document(string mode)
    {
        var options = Options();
        options.Settings["TokenValidation:ResourceMetadataUrlMode"] = mode;
        await using var app = await McpTestApp.StartAsync(options);

        var url = await ChallengeMetadataUrlAsync(app, "/mcp");
        using var response = await app.Client.GetAsync(PathOf(url));

        Assert.StartsWith("https://mcp.example.com/.well-known/oauth-protected-resource", url, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ExpectedDocument(), await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("mcp.example.com")]
    [InlineData("internal-lb.example.net:8080")]
    public async Task Behind_a_proxy_with_forwarded_headers_the_url_stays_the_configured_one(string forwardedHost)
    {
        var options = Options();
        options.Settings["TokenValidation:ResourceMetadataUrlMode"] = "PathInserted";
        options.BeforeRouting = app =>
        {
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost };
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            app.UseForwardedHeaders(forwarded);
        };
        await using var app = await McpTestApp.StartAsync(options);

        using var challenge = ForwardedRequest("/mcp", forwardedHost);
        challenge.Headers.Authorization = new("Bearer", McpTestApp.ApiKey.Key);
        using var echoed = await app.Client.SendAsync(challenge);
        using var unauthenticated = ForwardedRequest("/mcp", forwardedHost);
        using var response = await app.Client.SendAsync(unauthenticated);
        var url = ResourceMetadataOf(response);
        using var fetched = await app.Client.SendAsync(ForwardedRequest(PathOf(url), forwardedHost));

        var seen = Http.Claims(await echoed.Content.ReadAsStringAsync());
        Assert.Equal(["https"], seen["request.scheme"]);
        Assert.Equal([forwardedHost], seen["request.host"]);
        Assert.Equal(McpTestApp.PathInsertedMetadataUrl, url);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal(ExpectedDocument(), await fetched.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Root", "https://mcp.example.com/.well-known/oauth-protected-resource")]
    [InlineData("PathInserted", "https://mcp.example.com/.well-known/oauth-protected-resource/tenant/mcp")]
    public async Task Under_a_path_base_the_url_is_the_rfc_9728_one_and_the_app_answers_it(string mode, string expected)
    {
        const string resource = "https://mcp.example.com/tenant/mcp";
        var options = Options();
        options.Settings["TokenValidation:Resource"] = resource;
        options.Settings["TokenValidation:ResourceMetadataUrlMode"] = mode;
        options.BeforeRouting = app => app.UsePathBase("/tenant");
        await using var app = await McpTestApp.StartAsync(options);

        var url = await ChallengeMetadataUrlAsync(app, "/tenant/mcp");
        using var fetched = await app.Client.GetAsync(PathOf(url));
        using var underPathBase = await app.Client.GetAsync("/tenant/.well-known/oauth-protected-resource");

        Assert.Equal(expected, url);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal(ExpectedDocument(resource), await fetched.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, underPathBase.StatusCode);
    }

    private static HttpRequestMessage ForwardedRequest(string path, string host)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", host);
        return request;
    }

    private static async Task<string> ChallengeMetadataUrlAsync(McpTestApp app, string path)
    {
        using var response = await app.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return ResourceMetadataOf(response);
    }

    private static string ResourceMetadataOf(HttpResponseMessage response)
    {
        var header = response.Header("WWW-Authenticate")!;
        const string marker = "resource_metadata=\"";
        int start = header.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        return header[start..header.IndexOf('"', start)];
    }

    private static string PathOf(string url) => new Uri(url).PathAndQuery;
}
