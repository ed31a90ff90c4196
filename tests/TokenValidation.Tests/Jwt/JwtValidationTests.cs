using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using TokenValidation.Testing;

namespace TokenValidation.Tests.Jwt;

/// <summary>CONTRACT §11 and §13: JWT access tokens checked locally against a real issuer's JWKS.</summary>
public sealed class JwtValidationTests
{
    [Theory]
    [InlineData(SecurityAlgorithms.RsaSha256)]
    [InlineData(SecurityAlgorithms.RsaSsaPssSha256)]
    [InlineData(SecurityAlgorithms.EcdsaSha256)]
    public async Task A_valid_access_token_is_valid_with_its_claims_scopes_and_expiry(string algorithm)
    {
        await using var host = await JwtHost.StartAsync();
        string token = host.Server.CreateAccessToken("user_01", JwtHost.Resource, scope: "mcp:tools openid", algorithm: algorithm,
            claims: new Dictionary<string, object> { ["email"] = "ada@example.com", ["org_id"] = "org_7" });

        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        var identity = result.Identity!;
        Assert.Equal("user_01", identity.Subject);
        Assert.Equal("ada@example.com", identity.Email);
        Assert.Equal(["mcp:tools", "openid"], identity.Scopes);
        Assert.Equal(TokenSources.Jwt, identity.Source);
        Assert.Contains(new TokenClaim("org_id", "org_7"), identity.Claims);
        Assert.Contains(new TokenClaim("client_id", "client-abc"), identity.Claims);
        Assert.NotNull(identity.ExpiresAt);
        Assert.InRange(identity.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddMinutes(58), DateTimeOffset.UtcNow.AddMinutes(61));
        Assert.Equal(1, host.Server.JwksCalls);
    }

    [Fact]
    public async Task Scopes_come_from_scp_as_an_array_too()
    {
        await using var host = await JwtHost.StartAsync();
        string token = host.Server.CreateAccessToken("user_01", JwtHost.Resource, scope: null,
            claims: new Dictionary<string, object> { ["scp"] = new[] { "mcp:tools", "mcp:admin" } });

        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(["mcp:tools", "mcp:admin"], result.Identity!.Scopes);
    }

    [Fact]
    public async Task An_expired_token_is_invalid()
    {
        await using var host = await JwtHost.StartAsync();
        string token = host.Server.CreateAccessToken("user_01", JwtHost.Resource, notBefore: DateTimeOffset.UtcNow.AddHours(-2), lifetime: TimeSpan.FromMinutes(-1));

        var result = await host.Validation.ValidateAsync(token);

        AssertInvalid(result, "The token has expired.");
    }

    [Fact]
    public async Task A_token_past_its_exp_is_never_answered_valid_even_within_the_clock_skew()
    {
        await using var host = await JwtHost.StartAsync();
        string token = host.Server.CreateAccessToken("user_01", JwtHost.Resource, notBefore: DateTimeOffset.UtcNow.AddHours(-2), lifetime: TimeSpan.FromSeconds(-10));

        var result = await host.Validation.ValidateAsync(token);

        // The signature and the skew pass, but nothing is served past exp (no cache entry may outlive it).
        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal("The token has expired.", result.ErrorDescription);
    }

    [Fact]
    public async Task A_token_that_is_not_valid_yet_is_invalid()
    {
        await using var host = await JwtHost.StartAsync();
        string token = host.Server.CreateAccessToken("user_01", JwtHost.Resource, notBefore: DateTimeOffset.UtcNow.AddMinutes(5));

        AssertInvalid(await host.Validation.ValidateAsync(token), "The token is not valid yet.");
    }

    [Fact]
    public async Task A_token_without_expiry_is_invalid()
    {
        await using var host = await JwtHost.StartAsync();
        string token = host.Server.CreateAccessToken("user_01", JwtHost.Resource, withoutExpiry: true);

        AssertInvalid(await host.Validation.ValidateAsync(token), "The token has no expiry.");
    }

    [Fact]
    public async Task A_token_from_an_issuer_this_server_does_not_trust_is_invalid_without_a_network_call()
    {
        await using var host = await JwtHost.StartAsync();
        string token = host.Server.CreateAccessToken("user_01", JwtHost.Resource, issuer: "https://evil.example.com");

        AssertInvalid(await host.Validation.ValidateAsync(token), "The token was issued by an authorization server this server does not trust.");
        Assert.Equal(0, host.Server.JwksCalls);
    }

    [Fact]
    public async Task A_token_for_another_resource_is_invalid_and_cached_as_such()
    {
        await using var host = await JwtHost.StartAsync();
        string token = host.Server.CreateAccessToken("user_01", "https://other.example.com/mcp");

        AssertInvalid(await host.Validation.ValidateAsync(token), "The token was not issued for this resource.");
        host.Server.JwksBehavior = context => { context.Response.StatusCode = 503; return Task.CompletedTask; };
        AssertInvalid(await host.Validation.ValidateAsync(token), "The token was not issued for this resource.");
        Assert.Equal(1, host.Server.JwksCalls);
    }

    [Fact]
    public async Task A_token_without_an_audience_is_invalid()
    {
        await using var host = await JwtHost.StartAsync();
        string token = host.Server.CreateAccessToken("user_01", audience: null);

        AssertInvalid(await host.Validation.ValidateAsync(token), "The token was not issued for this resource.");
    }

    [Fact]
    public async Task A_token_without_an_audience_is_valid_when_the_requirement_is_turned_off()
    {
        await using var host = await JwtHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Jwt:RequireAudience"] = "false" });
        string token = host.Server.CreateAccessToken("user_01", audience: null);

        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(token)).Outcome);
    }

    [Theory]
    [InlineData("https://other.example.com/mcp", "https://mcp.example.com/mcp")]
    [InlineData("HTTPS://MCP.Example.COM/mcp/")]
    [InlineData("client-abc")]
    public async Task The_resource_in_canonical_form_or_an_extra_accepted_audience_among_several_is_enough(params string[] audiences)
    {
        await using var host = await JwtHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Jwt:Audiences:0"] = "client-abc" });
        string token = host.Server.CreateAccessToken("user_01", audiences);

        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(token)).Outcome);
    }

    [Fact]
    public async Task An_unsigned_token_with_alg_none_is_invalid()
    {
        await using var host = await JwtHost.StartAsync();
        string token = host.Server.CreateUnsignedToken("user_01", JwtHost.Resource);

        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal(TokenErrors.InvalidToken, result.Error);
    }

    [Fact]
    public async Task A_token_signed_with_hmac_keyed_by_the_published_public_key_is_invalid()
    {
        await using var host = await JwtHost.StartAsync();
        string token = host.Server.CreateHmacTokenSignedWithPublicKey("user_01", JwtHost.Resource);

        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal("The token is signed with an algorithm this server does not accept.", result.ErrorDescription);
    }

    [Fact]
    public async Task An_algorithm_outside_the_allow_list_is_invalid()
    {
        await using var host = await JwtHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Jwt:AllowedAlgorithms:0"] = "ES256" });
        string token = host.Server.CreateAccessToken("user_01", JwtHost.Resource, algorithm: SecurityAlgorithms.RsaSha256);

        AssertInvalid(await host.Validation.ValidateAsync(token), "The token is signed with an algorithm this server does not accept.");
    }

    [Fact]
    public async Task Tokens_signed_with_a_rotated_key_make_exactly_one_key_refresh_however_many_arrive_at_once()
    {
        await using var host = await JwtHost.StartAsync();
        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(host.Server.CreateAccessToken("warm", JwtHost.Resource))).Outcome);
        Assert.Equal(1, host.Server.JwksCalls);

        host.Server.RotateKeys();
        var tokens = Enumerable.Range(0, 100).Select(i => host.Server.CreateAccessToken($"user_{i}", JwtHost.Resource)).ToArray();
        var results = await Task.WhenAll(tokens.Select(t => Task.Run(async () => await host.Validation.ValidateAsync(t))));

        Assert.All(results, r => Assert.Equal(TokenValidationOutcome.Valid, r.Outcome));
        Assert.Equal(2, host.Server.JwksCalls);
    }

    [Fact]
    public async Task A_kid_still_unknown_after_a_refresh_is_invalid_and_does_not_refresh_again_within_the_interval()
    {
        await using var host = await JwtHost.StartAsync();
        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(host.Server.CreateAccessToken("warm", JwtHost.Resource))).Outcome);

        // A kid the issuer never published: one refresh, and the kid is still unknown.
        AssertInvalid(await host.Validation.ValidateAsync(host.Server.CreateAccessToken("user_a", JwtHost.Resource, unpublishedKey: true)), "The token is signed with an unknown key.");
        Assert.Equal(2, host.Server.JwksCalls);

        // Another unknown kid within 30 s: no second refresh.
        AssertInvalid(await host.Validation.ValidateAsync(host.Server.CreateAccessToken("user_b", JwtHost.Resource, unpublishedKey: true)), "The token is signed with an unknown key.");
        Assert.Equal(2, host.Server.JwksCalls);
    }

    [Fact]
    public async Task Keys_that_cannot_be_fetched_make_the_token_unavailable_never_invalid()
    {
        await using var host = await JwtHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:DefaultRetryAfterSeconds"] = "7" });
        host.Server.JwksBehavior = context => { context.Response.StatusCode = 503; return Task.CompletedTask; };
        string token = host.Server.CreateAccessToken("user_01", JwtHost.Resource);

        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Null(result.Error);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);

        // Unavailable is never cached: once the keys are back, the same token is valid.
        host.Server.JwksBehavior = null;
        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(token)).Outcome);
    }

    [Fact]
    public async Task With_the_strict_type_option_an_id_token_presented_as_an_access_token_is_invalid()
    {
        await using var host = await JwtHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Jwt:RequireAccessTokenType"] = "true" });

        AssertInvalid(await host.Validation.ValidateAsync(host.Server.CreateAccessToken("user_01", JwtHost.Resource, type: "JWT")), "The token is not an access token.");
        AssertInvalid(await host.Validation.ValidateAsync(host.Server.CreateAccessToken("user_02", JwtHost.Resource, type: null)), "The token is not an access token.");
        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(host.Server.CreateAccessToken("user_03", JwtHost.Resource, type: "at+jwt"))).Outcome);
    }

    [Fact]
    public async Task Without_the_strict_type_option_typ_may_be_at_jwt_jwt_or_absent_but_nothing_else()
    {
        await using var host = await JwtHost.StartAsync();

        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(host.Server.CreateAccessToken("a", JwtHost.Resource, type: "JWT"))).Outcome);
        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(host.Server.CreateAccessToken("b", JwtHost.Resource, type: null))).Outcome);
        AssertInvalid(await host.Validation.ValidateAsync(host.Server.CreateAccessToken("c", JwtHost.Resource, type: "logout+jwt")), "The token is not an access token.");
    }

    [Fact]
    public async Task A_cached_jwt_needs_neither_keys_nor_a_signature_check_again()
    {
        await using var host = await JwtHost.StartAsync();
        string token = host.Server.CreateAccessToken("user_01", JwtHost.Resource);
        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(token)).Outcome);

        host.Server.JwksBehavior = context => { context.Response.StatusCode = 503; return Task.CompletedTask; };
        var again = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Valid, again.Outcome);
        Assert.Equal(1, host.Server.JwksCalls);
    }

    [Fact]
    public async Task Keys_are_discovered_through_path_inserted_authorization_server_metadata()
    {
        await using var host = await JwtHost.StartAsync(issuerPath: "/tenant-a");

        var result = await host.Validation.ValidateAsync(host.Server.CreateAccessToken("user_01", JwtHost.Resource));

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.Equal(1, host.Server.MetadataCalls);
        Assert.Equal(0, host.Server.OpenIdConfigurationCalls);
    }

    [Fact]
    public async Task Without_oauth_metadata_keys_are_discovered_through_openid_configuration()
    {
        await using var host = await JwtHost.StartAsync(issuerPath: "/tenant-b");
        host.Server.ServeOAuthMetadata = false;

        var result = await host.Validation.ValidateAsync(host.Server.CreateAccessToken("user_01", JwtHost.Resource));

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.Equal(1, host.Server.MetadataCalls);
        Assert.Equal(1, host.Server.OpenIdConfigurationCalls);
    }

    [Fact]
    public async Task A_jws_shaped_token_that_is_not_a_jwt_is_invalid_without_a_network_call()
    {
        await using var host = await JwtHost.StartAsync();

        var result = await host.Validation.ValidateAsync("eyJnotjson.eyJalsonot.sig");

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal(0, host.Server.JwksCalls + host.Server.MetadataCalls);
    }

    [Fact]
    public async Task With_AddAuthKit_alone_authkit_jwts_are_checked_against_the_authority_jwks()
    {
        await using var host = await JwtHost.StartAsync(addJwt: false, issuerPath: "", settings: null);
        await using var authKit = await CoreHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:Resource"] = JwtHost.Resource,
            ["TokenValidation:AuthKit:Authority"] = host.Server.Issuer,
            ["TokenValidation:AuthKit:JwksPath"] = "/jwks",
        }, time: TimeProvider.System);
        string token = host.Server.CreateAccessToken("user_01", JwtHost.Resource,
            claims: new Dictionary<string, object> { ["sid"] = "session_1", ["org_id"] = "org_7" });

        var result = await authKit.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.Equal(TokenSources.AuthKit, result.Identity!.Source);
        Assert.Contains(new TokenClaim("sid", "session_1"), result.Identity.Claims);
        Assert.Equal(1, host.Server.JwksCalls);
        Assert.Equal(0, authKit.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task AddJwt_without_a_resource_or_audiences_fails_at_start_up_naming_the_key()
    {
        await using var server = await AuthorizationServerStandIn.StartAsync();
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:Jwt:Issuer"] = server.Issuer,
            ["TokenValidation:Jwt:AllowHttp"] = "true",
        }, configure: b => b.AddJwt());

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<TokenValidation.Jwt.JwtOptions>>().Value);

        Assert.Contains("TokenValidation:Resource (or TokenValidation:Jwt:Audiences) is required", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("none")]
    public async Task An_hmac_or_none_algorithm_in_the_allow_list_fails_at_start_up_naming_the_key(string algorithm)
    {
        await using var host = await JwtHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Jwt:AllowedAlgorithms:0"] = algorithm });

        var error = Assert.Throws<OptionsValidationException>(() => host.Core.Services.GetRequiredService<IOptions<TokenValidation.Jwt.JwtOptions>>().Value);

        Assert.Contains($"TokenValidation:Jwt:AllowedAlgorithms may hold only asymmetric signature algorithms", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{algorithm}' is refused", error.Message, StringComparison.Ordinal);
    }

    private static void AssertInvalid(TokenCheckResult result, string description)
    {
        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal(TokenErrors.InvalidToken, result.Error);
        Assert.Equal(description, result.ErrorDescription);
    }
}
