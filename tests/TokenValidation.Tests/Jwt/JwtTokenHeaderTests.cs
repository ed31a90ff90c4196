using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenValidation.Testing;

namespace TokenValidation.Tests.Jwt;

/// <summary>
/// CONTRACT §3 and §11, the header's smaller print: a token without a <c>kid</c> is checked against every published key;
/// a token without <c>typ</c> is accepted unless the access-token type is required; hosted AuthKit's tokens, typed
/// <c>JWT</c>, are accepted.
/// </summary>
public sealed class JwtTokenHeaderTests
{
    [Fact]
    public async Task A_token_without_a_kid_is_checked_against_every_published_key()
    {
        await using var host = await JwtHost.StartAsync();
        using var first = RSA.Create(2048);
        using var second = RSA.Create(2048);
        Publish(host.Server, ("k1", first), ("k2", second));

        var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "at+jwt" };
        var result = await host.Validation.ValidateAsync(Sign(header, Payload(host.Server.Issuer), second));

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.Equal("user_01", result.Identity!.Subject);
    }

    [Fact]
    public async Task A_token_without_typ_is_valid_when_the_access_token_type_is_not_required()
    {
        await using var host = await JwtHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Jwt:RequireAccessTokenType"] = "false" });
        using var key = RSA.Create(2048);
        Publish(host.Server, ("k1", key));

        var result = await host.Validation.ValidateAsync(Sign(new JsonObject { ["alg"] = "RS256", ["kid"] = "k1" }, Payload(host.Server.Issuer), key));

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
    }

    [Fact]
    public async Task A_token_without_typ_is_invalid_when_the_access_token_type_is_required()
    {
        await using var host = await JwtHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Jwt:RequireAccessTokenType"] = "true" });
        using var key = RSA.Create(2048);
        Publish(host.Server, ("k1", key));

        var result = await host.Validation.ValidateAsync(Sign(new JsonObject { ["alg"] = "RS256", ["kid"] = "k1" }, Payload(host.Server.Issuer), key));

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal("The token is not an access token.", result.ErrorDescription);
    }

    [Fact]
    public async Task AuthKit_jwts_typed_JWT_are_valid()
    {
        await using var server = await AuthorizationServerStandIn.StartAsync();
        await using var core = await CoreHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["TokenValidation:Resource"] = JwtHost.Resource,
                ["TokenValidation:AuthKit:Authority"] = server.Issuer,
                ["TokenValidation:AuthKit:JwksPath"] = "/jwks",
                ["TokenValidation:AuthKit:AllowHttp"] = "true",
            },
            configure: b => b.AddAuthKit(),
            time: TimeProvider.System);

        var result = await core.Validation.ValidateAsync(server.CreateAccessToken("user_01", JwtHost.Resource, type: "JWT"));

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.Equal(TokenSources.AuthKit, result.Identity!.Source);
    }

    private static void Publish(AuthorizationServerStandIn server, params (string Kid, RSA Key)[] keys)
    {
        var array = new JsonArray();
        foreach (var (kid, key) in keys)
        {
            var parameters = key.ExportParameters(false);
            array.Add(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["kid"] = kid,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            });
        }

        string jwks = new JsonObject { ["keys"] = array }.ToJsonString();
        server.JwksBehavior = async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(jwks);
        };
    }

    private static JsonObject Payload(string issuer)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = issuer,
            ["sub"] = "user_01",
            ["aud"] = JwtHost.Resource,
            ["scope"] = "mcp:tools",
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 3600,
        };
    }

    // Composed by hand, so the header holds exactly what the test says (IdentityModel's writer would add typ and kid).
    private static string Sign(JsonObject header, JsonObject payload, RSA key)
    {
        string unsigned = Base64UrlEncoder.Encode(header.ToJsonString()) + "." + Base64UrlEncoder.Encode(payload.ToJsonString());
        byte[] signature = key.SignData(Encoding.ASCII.GetBytes(unsigned), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return unsigned + "." + Base64UrlEncoder.Encode(signature);
    }
}
