using System.Net;
using Microsoft.AspNetCore.Http;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests.Metadata;

/// <summary>The proxied authorization-server metadata comes from the authority itself: a redirect it answers is not followed.</summary>
public sealed class MetadataProxyRedirectTests : IClassFixture<AuthKitFixture>
{
    private const string Path = "/.well-known/oauth-authorization-server";
    private readonly AuthKitStandIn _authKit;

    public MetadataProxyRedirectTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    [Fact]
    public async Task A_redirect_from_the_authority_is_not_followed_and_no_copy_is_served()
    {
        var options = new McpTestAppOptions(_authKit.Authority);
        options.Settings["TokenValidation:AuthorizationServerMetadataMode"] = "Proxy";
        options.Settings["TokenValidation:AuthKit:Resilience:MaxRetryAttempts"] = "0";
        await using var app = await McpTestApp.StartAsync(options);

        // Once: followed, the redirect would reach a real document (the default answer of the same stand-in).
        _authKit.MetadataBehavior = context =>
        {
            _authKit.MetadataBehavior = null;
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = _authKit.Authority + Path;
            return Task.CompletedTask;
        };

        using var response = await app.GetAsync(Path);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, _authKit.MetadataCalls);
    }
}
