using Microsoft.AspNetCore.Http;
using TokenValidation.Jwt;

namespace TokenValidation.Tests.Jwt;

/// <summary>
/// CONTRACT §3 and §11, the rules' smaller print: what counts as JWS-shaped; <c>typ</c> compared case-insensitively, its
/// media-type form accepted; a token without a subject, a signature that does not verify and a token that is not a JWT
/// are each Invalid with their own description; a JWKS with no usable key makes tokens Unavailable, never Invalid, with a
/// warning saying why; each refusal is a Debug log naming its rule.
/// </summary>
public sealed class JwtRulesTests
{
    [Theory]
    [InlineData("eyJh.eyJp.sig", true)]
    [InlineData("eyJh.eyJp.", true)]
    [InlineData("eyJh..sig", false)]
    [InlineData("eyJh.eyJp.sig.more", false)]
    [InlineData("eyJh.eyJp", false)]
    [InlineData("eyJhbGciOi", false)]
    [InlineData("eyJ.eyJp.sig", true)]
    [InlineData("eyI.eyJp.sig", false)]
    [InlineData("mat_eyJh.eyJp.sig", false)]
    public void A_token_is_jws_shaped_when_it_starts_like_a_json_object_and_has_three_segments_the_middle_one_not_empty(string token, bool shaped)
    {
        Assert.Equal(shaped, JwtIssuerRouter.LooksLikeJws(token));
    }

    [Theory]
    [InlineData("application/at+jwt", false)]
    [InlineData("AT+JWT", false)]
    [InlineData("jwt", false)]
    [InlineData("application/at+jwt", true)]
    [InlineData("At+Jwt", true)]
    public async Task Typ_is_compared_ignoring_case_and_may_be_the_media_type_form(string type, bool strict)
    {
        await using var host = await JwtHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Jwt:RequireAccessTokenType"] = strict ? "true" : "false" });

        var result = await host.Validation.ValidateAsync(host.Server.CreateAccessToken("user_01", JwtHost.Resource, type: type));

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
    }

    [Fact]
    public async Task A_token_without_a_subject_is_invalid()
    {
        await using var host = await JwtHost.StartAsync();

        var result = await host.Validation.ValidateAsync(host.Server.CreateAccessToken("", JwtHost.Resource));

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal("The token has no subject.", result.ErrorDescription);
    }

    [Fact]
    public async Task A_token_whose_signature_does_not_verify_is_invalid()
    {
        await using var host = await JwtHost.StartAsync();
        string token = host.Server.CreateAccessToken("user_01", JwtHost.Resource);
        string other = host.Server.CreateAccessToken("user_02", JwtHost.Resource);

        // The first token's header and payload under the second token's signature: same key, wrong bytes.
        string forged = token[..token.LastIndexOf('.')] + other[other.LastIndexOf('.')..];
        var result = await host.Validation.ValidateAsync(forged);

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal("The token's signature is invalid.", result.ErrorDescription);
    }

    [Fact]
    public async Task A_jws_shaped_token_that_does_not_parse_is_invalid_as_malformed()
    {
        await using var host = await JwtHost.StartAsync();

        var result = await host.Validation.ValidateAsync("eyJnotjson.eyJalsonot.sig");

        Assert.Equal("The token is malformed.", result.ErrorDescription);
    }

    [Fact]
    public async Task A_jwks_without_a_usable_signing_key_makes_tokens_unavailable_with_a_warning_saying_so()
    {
        await using var host = await JwtHost.StartAsync();
        host.Server.JwksBehavior = async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"keys":[]}""");
        };

        var result = await host.Validation.ValidateAsync(host.Server.CreateAccessToken("user_01", JwtHost.Resource));

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Null(result.Error);
        Assert.Equal("The authorization server's signing keys could not be fetched.", result.ErrorDescription);
        Assert.Contains(host.Core.Logs.GetSnapshot(), l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning
            && l.Message.Contains("could not be fetched", StringComparison.Ordinal)
            && l.Message.Contains("holds no usable signing key", StringComparison.Ordinal));
    }
    // The caller is told only invalid_token and a description; which rule refused the token is the operator's, in a
    // Debug log (never the token: a prefix of its hash).
    [Theory]
    [InlineData("hs256", "algorithm not allowed")]
    [InlineData("unknown kid", "unknown kid")]
    [InlineData("expired", "SecurityTokenExpiredException")]
    [InlineData("no sub", "no sub")]
    public async Task A_refused_token_is_a_debug_log_naming_the_rule(string kind, string reason)
    {
        await using var host = await JwtHost.StartAsync();
        string token = kind switch
        {
            "hs256" => host.Server.CreateHmacTokenSignedWithPublicKey("user_01", JwtHost.Resource),
            "unknown kid" => host.Server.CreateAccessToken("user_01", JwtHost.Resource, unpublishedKey: true),
            "expired" => host.Server.CreateAccessToken("user_01", JwtHost.Resource, notBefore: DateTimeOffset.UtcNow.AddHours(-1), lifetime: TimeSpan.FromMinutes(-5)),
            _ => host.Server.CreateAccessToken("", JwtHost.Resource),
        };

        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        var rejected = Assert.Single(host.Core.Logs.GetSnapshot(), l => l.Message.StartsWith("JWT ", StringComparison.Ordinal) && l.Message.Contains(" rejected: ", StringComparison.Ordinal));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Debug, rejected.Level);
        Assert.EndsWith(" from " + host.Server.Issuer + " rejected: " + reason, rejected.Message, StringComparison.Ordinal);
    }
}
