using System.Text;
using Microsoft.AspNetCore.Http;
using TokenValidation.Testing;
using TokenValidation.Upstream;

namespace TokenValidation.Tests.Upstream;

/// <summary>
/// CONTRACT §11, §12: an issuer's metadata is read from RFC 8414's path-inserted document, then OpenID discovery, and a
/// document counts only when its <c>issuer</c> is the configured issuer byte for byte; against a real Kestrel stand-in.
/// </summary>
public sealed class IssuerMetadataTests
{
    private const string OAuthPath = "/.well-known/oauth-authorization-server";
    private const string OpenIdPath = "/.well-known/openid-configuration";

    [Theory]
    [InlineData("https://as.example.com", "https://as.example.com/.well-known/oauth-authorization-server", "https://as.example.com/.well-known/openid-configuration")]
    [InlineData("https://as.example.com/", "https://as.example.com/.well-known/oauth-authorization-server", "https://as.example.com/.well-known/openid-configuration")]
    [InlineData("https://as.example.com/tenant/a/", "https://as.example.com/.well-known/oauth-authorization-server/tenant/a", "https://as.example.com/tenant/a/.well-known/openid-configuration")]
    [InlineData("https://as.example.com:8443/t", "https://as.example.com:8443/.well-known/oauth-authorization-server/t", "https://as.example.com:8443/t/.well-known/openid-configuration")]
    public void The_path_inserted_authorization_server_document_comes_before_openid_discovery(string issuer, string first, string second)
    {
        Assert.Equal([first, second], IssuerMetadata.Addresses(issuer));
    }

    [Fact]
    public async Task The_first_document_naming_the_issuer_answers_and_the_second_is_not_read()
    {
        await using var server = await AuthKitStandIn.StartAsync();
        var asked = new List<string>();
        server.MetadataBehavior = context =>
        {
            asked.Add(context.Request.Path + " " + context.Request.Headers.Accept);
            return Json(context, Document(server.Authority, "jwks_uri", "https://keys.example.com/8414"));
        };

        string? found = await FindAsync(server, "jwks_uri");

        Assert.Equal("https://keys.example.com/8414", found);
        Assert.Equal([OAuthPath + " application/json"], asked);
    }

    [Theory]
    [InlineData(404, null)]
    [InlineData(500, null)]
    [InlineData(204, null)]
    [InlineData(500, """{"issuer":"%I","jwks_uri":"https://keys.example.com/8414"}""")]
    [InlineData(404, """{"issuer":"%I","jwks_uri":"https://keys.example.com/8414"}""")]
    [InlineData(200, "not json")]
    [InlineData(200, """["issuer"]""")]
    [InlineData(200, """{"jwks_uri":"https://keys.example.com/8414"}""")]
    [InlineData(200, """{"issuer":42,"jwks_uri":"https://keys.example.com/8414"}""")]
    [InlineData(200, """{"issuer":"%I","jwks_uri":42}""")]
    [InlineData(200, """{"issuer":"%I"}""")]
    [InlineData(200, """{"issuer":"%I/","jwks_uri":"https://keys.example.com/8414"}""")]
    [InlineData(200, """{"issuer":"https://evil.example.com","jwks_uri":"https://keys.example.com/8414"}""")]
    public async Task A_document_that_is_missing_broken_or_names_another_issuer_is_skipped_for_the_next(int status, string? body)
    {
        await using var server = await AuthKitStandIn.StartAsync();
        server.MetadataBehavior = context => context.Request.Path == OAuthPath
            ? Raw(context, status, body?.Replace("%I", server.Authority, StringComparison.Ordinal))
            : Json(context, Document(server.Authority, "jwks_uri", "https://keys.example.com/openid"));

        Assert.Equal("https://keys.example.com/openid", await FindAsync(server, "jwks_uri"));
        Assert.Equal(2, server.MetadataCalls);
    }

    [Fact]
    public async Task Without_a_document_naming_the_issuer_there_is_no_answer()
    {
        await using var server = await AuthKitStandIn.StartAsync();
        server.MetadataBehavior = context => Json(context, Document("https://evil.example.com", "jwks_uri", "https://keys.example.com/evil"));

        Assert.Null(await FindAsync(server, "jwks_uri"));
        Assert.Equal(2, server.MetadataCalls);
    }

    [Fact]
    public async Task A_document_over_the_size_limit_is_skipped()
    {
        await using var server = await AuthKitStandIn.StartAsync();
        server.MetadataBehavior = context => context.Request.Path == OAuthPath
            ? Json(context, Document(server.Authority, "jwks_uri", "https://keys.example.com/" + new string('k', 600)))
            : Json(context, Document(server.Authority, "jwks_uri", "https://keys.example.com/small"));

        Assert.Equal("https://keys.example.com/small", await FindAsync(server, "jwks_uri", maxBytes: 300));
    }

    private static async Task<string?> FindAsync(AuthKitStandIn server, string member, int maxBytes = 64 * 1024)
    {
        using var client = new HttpClient();
        return await IssuerMetadata.FindAsync(client, server.Authority, member, maxBytes, CancellationToken.None);
    }

    private static string Document(string issuer, string member, string value) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["issuer"] = issuer, [member] = value });

    private static Task Json(HttpContext context, string body) => Raw(context, 200, body);

    private static async Task Raw(HttpContext context, int status, string? body)
    {
        context.Response.StatusCode = status;
        if (body is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body), context.RequestAborted);
        }
    }
}
