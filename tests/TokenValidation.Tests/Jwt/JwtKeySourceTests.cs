using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenValidation.Testing;

namespace TokenValidation.Tests.Jwt;

/// <summary>
/// CONTRACT §3 and §11, where the keys come from: a configured JwksUri is used as is (no discovery), an empty one means
/// discovery; only a 200 answer holding signing keys counts (an error status, a body that is not a JWKS, a key marked for
/// encryption make tokens Unavailable); the keys are asked for as JSON; each outcome is logged with its reason.
/// </summary>
public sealed class JwtKeySourceTests
{
    [Fact]
    public async Task A_configured_jwks_uri_is_fetched_directly_without_any_metadata_request()
    {
        await using var host = await StartAsync(server => new() { ["TokenValidation:Jwt:JwksUri"] = server.JwksUri });

        var result = await host.Validation.ValidateAsync(host.Server.CreateAccessToken("user_01", JwtHost.Resource));

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.Equal(1, host.Server.JwksCalls);
        Assert.Equal(0, host.Server.MetadataCalls);
        Assert.Equal(0, host.Server.OpenIdConfigurationCalls);
    }

    [Fact]
    public async Task An_empty_jwks_uri_means_the_keys_are_discovered_from_the_issuers_metadata()
    {
        await using var host = await StartAsync(_ => new() { ["TokenValidation:Jwt:JwksUri"] = "" });

        var result = await host.Validation.ValidateAsync(host.Server.CreateAccessToken("user_01", JwtHost.Resource));

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.Equal(1, host.Server.JwksCalls);
        Assert.Equal(1, host.Server.MetadataCalls + host.Server.OpenIdConfigurationCalls);
    }

    [Fact]
    public async Task Fetched_keys_are_logged_with_their_count_issuer_and_jwks_uri()
    {
        await using var host = await StartAsync(_ => []);

        await host.Validation.ValidateAsync(host.Server.CreateAccessToken("user_01", JwtHost.Resource));

        Assert.Contains(host.Core.Logs.GetSnapshot(), l => l.Level == LogLevel.Information
            && l.Message == $"Fetched 2 signing keys for issuer {host.Server.Issuer} from {host.Server.JwksUri}");
    }

    [Fact]
    public async Task Keys_are_requested_as_json()
    {
        await using var host = await StartAsync(_ => []);
        string? accept = null;
        var jwks = await ServeJwksOfAsync(host.Server);
        host.Server.JwksBehavior = async context =>
        {
            accept = context.Request.Headers.Accept.ToString();
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(jwks);
        };

        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(host.Server.CreateAccessToken("user_01", JwtHost.Resource))).Outcome);
        Assert.Equal("application/json", accept);
    }

    [Fact]
    public async Task A_jwks_answered_with_an_error_status_is_not_used_even_if_its_body_holds_the_keys()
    {
        await using var host = await StartAsync(_ => []);
        var jwks = await ServeJwksOfAsync(host.Server);
        host.Server.JwksBehavior = async context =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(jwks);
        };

        var result = await host.Validation.ValidateAsync(host.Server.CreateAccessToken("user_01", JwtHost.Resource));

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Contains(host.Core.Logs.GetSnapshot(), l => l.Level == LogLevel.Warning
            && l.Message == $"The signing keys of issuer {host.Server.Issuer} could not be fetched: {host.Server.JwksUri} answered InternalServerError");
    }

    [Fact]
    public async Task A_jwks_body_that_is_not_a_key_set_makes_tokens_unavailable_with_a_warning_saying_so()
    {
        await using var host = await StartAsync(_ => []);
        host.Server.JwksBehavior = async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("this is not json");
        };

        var result = await host.Validation.ValidateAsync(host.Server.CreateAccessToken("user_01", JwtHost.Resource));

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Contains(host.Core.Logs.GetSnapshot(), l => l.Level == LogLevel.Warning
            && l.Message == $"The signing keys of issuer {host.Server.Issuer} could not be fetched: {host.Server.JwksUri} holds no usable signing key");
    }

    [Fact]
    public async Task An_issuer_without_metadata_makes_tokens_unavailable_with_a_warning_saying_so()
    {
        // An issuer on the stand-in's origin whose well-known documents are not served (both answer 404).
        string issuer = null!;
        await using var host = await StartAsync(server => new() { ["TokenValidation:Jwt:Issuer"] = issuer = server.Origin + "/elsewhere" });

        var result = await host.Validation.ValidateAsync(host.Server.CreateAccessToken("user_01", JwtHost.Resource, issuer: issuer));

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal(0, host.Server.JwksCalls);
        Assert.Contains(host.Core.Logs.GetSnapshot(), l => l.Level == LogLevel.Warning
            && l.Message == $"The signing keys of issuer {issuer} could not be fetched: no metadata document names a jwks_uri for this issuer");
    }

    [Fact]
    public async Task A_key_published_for_encryption_never_verifies_a_signature()
    {
        await using var host = await StartAsync(_ => []);
        using var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = "enc-1" };
        var parameters = rsa.ExportParameters(false);
        var jwk = new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "enc",
            ["kid"] = "enc-1",
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
        string jwks = new JsonObject { ["keys"] = new JsonArray(jwk) }.ToJsonString();
        host.Server.JwksBehavior = async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(jwks);
        };
        string token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = host.Server.Issuer,
            Audience = JwtHost.Resource,
            Claims = new Dictionary<string, object> { ["sub"] = "user_01" },
            Expires = DateTime.UtcNow.AddHours(1),
            TokenType = "at+jwt",
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });

        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
    }

    // The stand-in's own JWKS, fetched once before a behaviour replaces the endpoint.
    private static async Task<string> ServeJwksOfAsync(AuthorizationServerStandIn server)
    {
        using var client = new HttpClient();
        return await client.GetStringAsync(server.JwksUri);
    }

    private static async Task<KeyHost> StartAsync(Func<AuthorizationServerStandIn, Dictionary<string, string?>> settings)
    {
        var server = await AuthorizationServerStandIn.StartAsync();
        var values = new Dictionary<string, string?>
        {
            ["TokenValidation:Resource"] = JwtHost.Resource,
            ["TokenValidation:Jwt:Issuer"] = server.Issuer,
            ["TokenValidation:Jwt:AllowHttp"] = "true",
        };
        foreach (var (name, value) in settings(server))
        {
            values[name] = value;
        }

        var core = await CoreHost.StartAsync(values, configure: b => b.AddJwt(), time: TimeProvider.System);
        return new KeyHost(server, core);
    }

    private sealed class KeyHost(AuthorizationServerStandIn server, CoreHost core) : IAsyncDisposable
    {
        public AuthorizationServerStandIn Server { get; } = server;

        public CoreHost Core { get; } = core;

        public ITokenValidationService Validation => Core.Validation;

        public async ValueTask DisposeAsync()
        {
            await Core.DisposeAsync();
            await Server.DisposeAsync();
        }
    }
}
