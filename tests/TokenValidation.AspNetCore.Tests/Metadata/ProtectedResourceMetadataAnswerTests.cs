using System.Globalization;
using System.Net;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests.Metadata;

/// <summary>RFC 9728 §3.2 details of the Protected Resource Metadata answer: absent values left out, and HEAD.</summary>
public sealed class ProtectedResourceMetadataAnswerTests : IClassFixture<AuthKitFixture>
{
    private const string Path = "/.well-known/oauth-protected-resource";
    private readonly AuthKitStandIn _authKit;

    public ProtectedResourceMetadataAnswerTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    [Fact]
    public async Task An_empty_name_or_documentation_is_left_out_like_an_absent_one()
    {
        var options = new McpTestAppOptions(_authKit.Authority) { Bearer = o => o.ResourceDocumentation = "" };
        options.Settings["TokenValidation:ResourceName"] = "";
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync(Path);

        Assert.Equal(
            $"{{\"resource\":\"{McpTestApp.Resource}\",\"authorization_servers\":[\"{_authKit.Authority}\"],\"scopes_supported\":[\"mcp:tools\",\"mcp:resources\"],\"bearer_methods_supported\":[\"header\"]}}",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_head_request_gets_the_headers_and_no_body()
    {
        await using var app = await McpTestApp.StartAsync(new McpTestAppOptions(_authKit.Authority));
        using var get = await app.GetAsync(Path);
        var document = await get.Content.ReadAsByteArrayAsync();

        using var head = await app.Client.SendAsync(McpTestApp.Request(HttpMethod.Head, Path));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("application/json", head.Header("Content-Type"));
        Assert.Equal(document.Length.ToString(CultureInfo.InvariantCulture), head.Header("Content-Length"));
        Assert.Equal("public, max-age=3600", head.Header("Cache-Control"));
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }
}
