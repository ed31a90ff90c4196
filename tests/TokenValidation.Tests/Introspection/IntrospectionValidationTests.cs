using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenValidation.Introspection;
using TokenValidation.Testing;

namespace TokenValidation.Tests.Introspection;

/// <summary>CONTRACT §12 and §13: opaque tokens checked at a real authorization server's RFC 7662 introspection endpoint.</summary>
public sealed class IntrospectionValidationTests
{
    private const string Resource = IntrospectionHost.Resource;

    [Fact]
    public async Task An_active_token_is_valid_with_its_claims_scopes_and_expiry_after_exactly_one_basic_authenticated_call()
    {
        await using var host = await IntrospectionHost.StartAsync();
        string token = NewToken();
        host.Server.AddActiveToken(token, "user_01", Resource, scope: "mcp:tools openid", lifetime: TimeSpan.FromMinutes(30),
            extra: new JsonObject { ["email"] = "ada@example.com", ["org_id"] = "org_7" });

        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        var identity = result.Identity!;
        Assert.Equal("user_01", identity.Subject);
        Assert.Equal("ada@example.com", identity.Email);
        Assert.Equal(["mcp:tools", "openid"], identity.Scopes);
        Assert.Equal(TokenSources.Introspection, identity.Source);
        Assert.Contains(new TokenClaim("org_id", "org_7"), identity.Claims);
        Assert.Contains(new TokenClaim("client_id", "client-abc"), identity.Claims);
        Assert.DoesNotContain(identity.Claims, c => c.Type == "active");
        Assert.InRange(identity.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddMinutes(29), DateTimeOffset.UtcNow.AddMinutes(31));

        Assert.Equal(1, host.Server.IntrospectionCalls);
        var form = host.Server.LastIntrospectionForm!;
        Assert.Equal("access_token", form["token_type_hint"]);
        Assert.Equal($"[{token.Length} chars]", form["token"]);
        Assert.False(form.ContainsKey("client_secret"));
        Assert.True(host.Server.LastIntrospectionUsedBasic);
    }

    [Fact]
    public async Task With_client_secret_post_the_credentials_travel_in_the_form_not_in_basic()
    {
        await using var host = await IntrospectionHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Introspection:ClientAuthentication"] = "ClientSecretPost" });
        string token = NewToken();
        host.Server.AddActiveToken(token, "user_01", Resource);

        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.False(host.Server.LastIntrospectionUsedBasic);
        Assert.Equal(AuthorizationServerStandIn.ClientId, host.Server.LastIntrospectionForm!["client_id"]);
        Assert.Equal(AuthorizationServerStandIn.ClientSecret, host.Server.LastIntrospectionForm!["client_secret"]);
        Assert.Equal("access_token", host.Server.LastIntrospectionForm!["token_type_hint"]);
    }

    [Fact]
    public async Task A_cached_introspected_token_makes_no_further_call()
    {
        await using var host = await IntrospectionHost.StartAsync();
        string token = NewToken();
        host.Server.AddActiveToken(token, "user_01", Resource);
        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(token)).Outcome);

        host.Server.IntrospectionBehavior = context => { context.Response.StatusCode = 500; return Task.CompletedTask; };
        var again = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Valid, again.Outcome);
        Assert.Equal(1, host.Server.IntrospectionCalls);
    }

    [Fact]
    public async Task The_token_exp_caps_the_cache_lifetime()
    {
        await using var host = await IntrospectionHost.StartAsync();
        string token = NewToken();
        host.Server.AddActiveToken(token, "user_01", Resource, lifetime: TimeSpan.FromSeconds(90));
        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(token)).Outcome);

        // The cache would keep it for 5 minutes; past exp the token is asked about again, and is now past its exp.
        host.Core.Time.Advance(TimeSpan.FromSeconds(91));
        var later = await host.Validation.ValidateAsync(token);

        AssertInvalid(later, "The token has expired.");
        Assert.Equal(2, host.Server.IntrospectionCalls);
    }

    [Fact]
    public async Task An_inactive_token_is_invalid_and_cached_as_such()
    {
        await using var host = await IntrospectionHost.StartAsync();
        string token = NewToken();

        AssertInvalid(await host.Validation.ValidateAsync(token), "The access token is invalid, expired or revoked.");
        AssertInvalid(await host.Validation.ValidateAsync(token), "The access token is invalid, expired or revoked.");
        Assert.Equal(1, host.Server.IntrospectionCalls);
    }

    [Fact]
    public async Task An_active_token_for_another_resource_is_invalid()
    {
        await using var host = await IntrospectionHost.StartAsync();
        string token = NewToken();
        host.Server.AddActiveToken(token, "user_01", "https://other.example.com/mcp");

        AssertInvalid(await host.Validation.ValidateAsync(token), "The token was not issued for this resource.");
    }

    [Fact]
    public async Task An_active_token_without_an_audience_is_invalid()
    {
        await using var host = await IntrospectionHost.StartAsync();
        string token = NewToken();
        host.Server.AddActiveToken(token, "user_01", audience: null);

        AssertInvalid(await host.Validation.ValidateAsync(token), "The token was not issued for this resource.");
    }

    [Fact]
    public async Task An_active_token_without_an_audience_is_valid_when_the_requirement_is_turned_off()
    {
        await using var host = await IntrospectionHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Introspection:RequireAudience"] = "false" });
        string token = NewToken();
        host.Server.AddActiveToken(token, "user_01", audience: null);

        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(token)).Outcome);
    }

    [Theory]
    [InlineData("https://other.example.com/mcp", "https://mcp.example.com/mcp")]
    [InlineData("HTTPS://MCP.Example.COM/mcp/")]
    [InlineData("client-abc")]
    public async Task The_resource_in_canonical_form_or_an_extra_accepted_audience_among_several_is_enough(params string[] audiences)
    {
        await using var host = await IntrospectionHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Introspection:Audiences:0"] = "client-abc" });
        string token = NewToken();
        host.Server.AddActiveToken(token, "user_01", audiences.Length == 1 ? audiences[0] : audiences);

        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(token)).Outcome);
    }

    [Fact]
    public async Task An_active_token_from_another_issuer_is_invalid()
    {
        await using var host = await IntrospectionHost.StartAsync();
        string token = NewToken();
        host.Server.AddActiveToken(token, "user_01", Resource, issuer: "https://evil.example.com");

        AssertInvalid(await host.Validation.ValidateAsync(token), "The token was issued by another authorization server.");
    }

    [Fact]
    public async Task An_active_answer_whose_exp_has_passed_is_invalid()
    {
        await using var host = await IntrospectionHost.StartAsync();
        string token = NewToken();
        host.Server.AddActiveToken(token, "user_01", Resource, lifetime: TimeSpan.FromMinutes(-1));

        AssertInvalid(await host.Validation.ValidateAsync(token), "The token has expired.");
    }

    [Fact]
    public async Task Without_sub_a_client_credentials_token_takes_its_client_id_as_subject()
    {
        await using var host = await IntrospectionHost.StartAsync();
        string token = NewToken();
        host.Server.AddActiveToken(token, "ignored", Resource);
        host.Server.IntrospectionBehavior = context => WriteAsync(context, 200,
            $$"""{"active":true,"client_id":"svc-42","aud":"{{Resource}}","scope":"mcp:tools"}""");

        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.Equal("svc-42", result.Identity!.Subject);
        Assert.Contains(new TokenClaim("client_id", "svc-42"), result.Identity.Claims);
        Assert.Null(result.Identity.ExpiresAt);
    }

    [Fact]
    public async Task Our_credentials_refused_are_unavailable_and_an_error_log_names_the_keys_without_the_secret_or_the_token()
    {
        const string wrongSecret = "wrong-secret-value-123";
        await using var host = await IntrospectionHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Introspection:ClientSecret"] = wrongSecret });
        string token = NewToken();
        host.Server.AddActiveToken(token, "user_01", Resource);

        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Null(result.Error);
        Assert.NotNull(result.RetryAfter);
        var error = Assert.Single(host.Core.Logs.GetSnapshot(), l => l.Level >= LogLevel.Error);
        Assert.Contains("TokenValidation:Introspection:ClientId", error.Message, StringComparison.Ordinal);
        Assert.Contains("TokenValidation:Introspection:ClientSecret", error.Message, StringComparison.Ordinal);
        Assert.False(host.Core.Logs.AnyContains(wrongSecret));
        Assert.False(host.Core.Logs.AnyContains(token));

        // Never cached: once the secret is right again the next request asks again.
        Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(token)).Outcome);
        Assert.Equal(2, host.Server.IntrospectionCalls);
    }

    [Fact]
    public async Task A_server_error_is_unavailable_with_retry_after_and_never_cached()
    {
        await using var host = await IntrospectionHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:DefaultRetryAfterSeconds"] = "7" });
        string token = NewToken();
        host.Server.AddActiveToken(token, "user_01", Resource);
        host.Server.IntrospectionBehavior = context => { context.Response.StatusCode = 500; return Task.CompletedTask; };

        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Null(result.Error);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);

        host.Server.IntrospectionBehavior = null;
        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(token)).Outcome);
    }

    [Fact]
    public async Task A_retry_after_from_the_authorization_server_is_passed_on()
    {
        await using var host = await IntrospectionHost.StartAsync();
        host.Server.IntrospectionBehavior = context =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = "30";
            return Task.CompletedTask;
        };

        var result = await host.Validation.ValidateAsync(NewToken());

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(30), result.RetryAfter);
    }

    [Fact]
    public async Task A_hanging_endpoint_is_unavailable_within_the_timeout()
    {
        await using var host = await IntrospectionHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Introspection:Timeout"] = "00:00:01" });
        host.Server.IntrospectionBehavior = context => Task.Delay(Timeout.Infinite, CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, host.Server.Stopping).Token);

        var clock = Stopwatch.StartNew();
        var result = await host.Validation.ValidateAsync(NewToken());

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        Assert.True(host.Server.IntrospectionCalls >= 1);
    }

    [Theory]
    [InlineData("text/html", "<html>login</html>")]
    [InlineData("application/json", """{"sub":"user_01"}""")]
    [InlineData("application/json", """{"active":"true","sub":"user_01"}""")]
    [InlineData("application/json", """[{"active":true}]""")]
    [InlineData("application/json", """{"active":true,"sub":"user_01","exp":"tomorrow"}""")]
    public async Task An_answer_that_is_not_a_json_object_with_a_boolean_active_is_unavailable(string contentType, string body)
    {
        await using var host = await IntrospectionHost.StartAsync();
        host.Server.IntrospectionBehavior = context => WriteAsync(context, 200, body, contentType);

        var result = await host.Validation.ValidateAsync(NewToken());

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Null(result.Error);
    }

    [Fact]
    public async Task An_answer_over_the_size_limit_is_unavailable()
    {
        // A configured endpoint: the issuer's metadata document alone is larger than this limit, so discovery would fail first.
        await using var server = await AuthorizationServerStandIn.StartAsync();
        await using var host = await IntrospectionHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:Introspection:MaxResponseBytes"] = "256",
            ["TokenValidation:Introspection:Endpoint"] = server.IntrospectionEndpoint,
        });
        string token = NewToken();
        server.AddActiveToken(token, "user_01", Resource, issuer: host.Server.Issuer, extra: new JsonObject { ["padding"] = new string('x', 1000) });

        Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(token)).Outcome);
        Assert.Equal(1, server.IntrospectionCalls);
    }

    [Fact]
    public async Task The_endpoint_is_discovered_through_path_inserted_authorization_server_metadata_once()
    {
        await using var host = await IntrospectionHost.StartAsync(issuerPath: "/tenant-a");
        string first = NewToken(), second = NewToken();
        host.Server.AddActiveToken(first, "user_01", Resource);
        host.Server.AddActiveToken(second, "user_02", Resource);

        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(first)).Outcome);
        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(second)).Outcome);

        Assert.Equal(1, host.Server.MetadataCalls);
        Assert.Equal(0, host.Server.OpenIdConfigurationCalls);
        Assert.Equal(2, host.Server.IntrospectionCalls);
    }

    [Fact]
    public async Task Without_oauth_metadata_the_endpoint_is_discovered_through_openid_configuration()
    {
        await using var host = await IntrospectionHost.StartAsync(issuerPath: "/tenant-b");
        host.Server.ServeOAuthMetadata = false;
        string token = NewToken();
        host.Server.AddActiveToken(token, "user_01", Resource);

        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(token)).Outcome);
        Assert.Equal(1, host.Server.MetadataCalls);
        Assert.Equal(1, host.Server.OpenIdConfigurationCalls);
    }

    [Fact]
    public async Task A_configured_endpoint_needs_no_metadata()
    {
        await using var server = await AuthorizationServerStandIn.StartAsync();
        await using var host = await IntrospectionHost.StartAsync(new Dictionary<string, string?>
        {
            // The issuer's metadata lives elsewhere (this stand-in would answer it): only the configured endpoint is called.
            ["TokenValidation:Introspection:Endpoint"] = server.IntrospectionEndpoint,
        });
        string token = NewToken();
        server.AddActiveToken(token, "user_01", Resource, issuer: host.Server.Issuer);

        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(token)).Outcome);
        Assert.Equal(1, server.IntrospectionCalls);
        Assert.Equal(0, host.Server.MetadataCalls + host.Server.OpenIdConfigurationCalls + server.MetadataCalls + server.OpenIdConfigurationCalls);
    }

    [Fact]
    public async Task Without_metadata_naming_an_endpoint_tokens_are_unavailable_and_discovery_is_tried_again_on_the_next_miss()
    {
        await using var host = await IntrospectionHost.StartAsync();
        await using var elsewhere = await IntrospectionHost.StartAsync(new Dictionary<string, string?>
        {
            // An issuer with no metadata at all (the stand-in serves only its own).
            ["TokenValidation:Introspection:Issuer"] = host.Server.Origin + "/no-such-tenant",
        });
        string token = NewToken();

        Assert.Equal(TokenValidationOutcome.Unavailable, (await elsewhere.Validation.ValidateAsync(token)).Outcome);
        Assert.Equal(TokenValidationOutcome.Unavailable, (await elsewhere.Validation.ValidateAsync(token)).Outcome);

        var errors = elsewhere.Core.Logs.GetSnapshot().Where(l => l.Level >= LogLevel.Error).ToList();
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Contains("TokenValidation:Introspection:Endpoint", e.Message, StringComparison.Ordinal));
        Assert.Equal(0, host.Server.IntrospectionCalls);
    }

    [Fact]
    public async Task With_a_token_prefix_only_prefixed_tokens_are_introspected()
    {
        await using var host = await IntrospectionHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Introspection:TokenPrefix"] = "opq_" });
        string prefixed = "opq_" + Guid.NewGuid().ToString("N");
        host.Server.AddActiveToken(prefixed, "user_01", Resource);

        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(prefixed)).Outcome);
        AssertInvalid(await host.Validation.ValidateAsync(NewToken()), "The token is not of a kind this server accepts.");
        Assert.Equal(1, host.Server.IntrospectionCalls);
    }

    [Fact]
    public async Task Jws_shaped_tokens_go_to_the_jwt_validator_when_one_is_registered()
    {
        await using var host = await IntrospectionHost.StartAsync(addJwt: true);
        string jwt = host.Server.CreateAccessToken("user_01", Resource);
        string opaque = NewToken();
        host.Server.AddActiveToken(opaque, "user_02", Resource);

        Assert.Equal(TokenSources.Jwt, (await host.Validation.ValidateAsync(jwt)).Identity!.Source);
        Assert.Equal(TokenSources.Introspection, (await host.Validation.ValidateAsync(opaque)).Identity!.Source);
        Assert.Equal(1, host.Server.IntrospectionCalls);
    }

    [Fact]
    public async Task A_jws_shaped_token_from_an_issuer_no_jwt_validator_trusts_is_introspected()
    {
        // AddAuthKit (in the host) checks AuthKit's own JWTs; this one comes from the introspection server.
        await using var host = await IntrospectionHost.StartAsync();
        string jwt = host.Server.CreateAccessToken("user_01", Resource);
        host.Server.AddActiveToken(jwt, "user_01", Resource);

        var result = await host.Validation.ValidateAsync(jwt);

        Assert.Equal(TokenSources.Introspection, result.Identity!.Source);
        Assert.Equal(1, host.Server.IntrospectionCalls);
        Assert.Equal(0, host.Server.JwksCalls);
    }

    [Fact]
    public async Task A_jws_shaped_token_that_does_not_parse_as_a_jwt_is_introspected_when_introspection_is_configured()
    {
        // Its server decides what its own tokens are: a JWT validator refuses only what it could read.
        await using var host = await IntrospectionHost.StartAsync(addJwt: true);
        const string shaped = "eyJnotjson.eyJalsonot.sig";
        host.Server.AddActiveToken(shaped, "user_01", Resource);

        var result = await host.Validation.ValidateAsync(shaped);

        Assert.Equal(TokenSources.Introspection, result.Identity!.Source);
        Assert.Equal(1, host.Server.IntrospectionCalls);
        Assert.Equal(0, host.Server.JwksCalls);
    }

    [Fact]
    public async Task Without_a_jwt_validator_jws_shaped_tokens_are_introspected_like_any_unprefixed_token()
    {
        // Neither AddJwt nor AddAuthKit (which checks AuthKit's own JWTs): nothing claims JWS-shaped tokens.
        await using var server = await AuthorizationServerStandIn.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenValidation:Resource"] = Resource,
            ["TokenValidation:Introspection:Issuer"] = server.Issuer,
            ["TokenValidation:Introspection:ClientId"] = AuthorizationServerStandIn.ClientId,
            ["TokenValidation:Introspection:ClientSecret"] = AuthorizationServerStandIn.ClientSecret,
            ["TokenValidation:Introspection:AllowHttp"] = "true",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddTokenValidation(configuration.GetSection("TokenValidation")).AddIntrospection();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        string jwt = server.CreateAccessToken("user_01", Resource);
        server.AddActiveToken(jwt, "user_01", Resource);

        var result = await provider.GetRequiredService<ITokenValidationService>().ValidateAsync(jwt);

        Assert.Equal(TokenSources.Introspection, result.Identity!.Source);
        Assert.Equal(1, server.IntrospectionCalls);
        Assert.Equal(0, server.JwksCalls);
    }

    [Fact]
    public async Task Calling_AddIntrospection_twice_is_harmless()
    {
        await using var host = await IntrospectionHost.StartAsync(
            new Dictionary<string, string?> { ["TokenValidation:Introspection:Audiences:0"] = "client-abc" },
            configure: b => b.AddIntrospection(o => o.DefaultScopes.Add("mcp:read")));
        string token = NewToken();
        host.Server.AddActiveToken(token, "user_01", "client-abc", scope: null);

        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.Equal(["mcp:read"], result.Identity!.Scopes);
        Assert.Equal(["client-abc"], host.Core.Services.GetRequiredService<IOptions<IntrospectionOptions>>().Value.Audiences);
        Assert.Equal(1, host.Server.IntrospectionCalls);
    }

    [Fact]
    public async Task A_missing_client_secret_fails_at_start_up_naming_the_key()
    {
        await using var host = await IntrospectionHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Introspection:ClientSecret"] = null });

        var error = Assert.Throws<OptionsValidationException>(() => host.Core.Services.GetRequiredService<IOptions<IntrospectionOptions>>().Value);

        Assert.Contains("TokenValidation:Introspection:ClientSecret is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_secret_with_whitespace_fails_at_start_up_without_echoing_the_secret()
    {
        await using var host = await IntrospectionHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Introspection:ClientSecret"] = "sekrit-value\n" });

        var error = Assert.Throws<OptionsValidationException>(() => host.Core.Services.GetRequiredService<IOptions<IntrospectionOptions>>().Value);

        Assert.Contains("TokenValidation:Introspection:ClientSecret has leading or trailing whitespace", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sekrit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_http_issuer_or_endpoint_fails_at_start_up_unless_http_is_allowed()
    {
        await using var host = await IntrospectionHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:Introspection:AllowHttp"] = "false",
            ["TokenValidation:Introspection:Endpoint"] = "http://127.0.0.1:1/introspect",
        });

        var error = Assert.Throws<OptionsValidationException>(() => host.Core.Services.GetRequiredService<IOptions<IntrospectionOptions>>().Value);

        Assert.Contains("TokenValidation:Introspection:Issuer must use https outside Development", error.Message, StringComparison.Ordinal);
        Assert.Contains("TokenValidation:Introspection:Endpoint must use https outside Development", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_resource_or_audiences_start_up_fails_naming_the_key()
    {
        await using var host = await IntrospectionHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Resource"] = null });

        var error = Assert.Throws<OptionsValidationException>(() => host.Core.Services.GetRequiredService<IOptions<IntrospectionOptions>>().Value);

        Assert.Contains("TokenValidation:Resource (or TokenValidation:Introspection:Audiences) is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Introspection_as_fallback_and_authkit_accepting_unprefixed_tokens_fail_at_start_up()
    {
        await using var host = await IntrospectionHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:AuthKit:AcceptUnprefixedTokens"] = "true" });

        var error = Assert.Throws<OptionsValidationException>(() => host.Core.Services.GetRequiredService<IOptions<TokenValidationOptions>>().Value);

        Assert.Contains("More than one fallback validator is registered: authkit, introspection", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_up_validation_of_a_valid_configuration_resolves_the_service()
    {
        await using var host = await IntrospectionHost.StartAsync();

        Assert.NotNull(host.Core.Services.GetRequiredService<IOptions<IntrospectionOptions>>().Value);
        Assert.NotNull(host.Core.Services.GetRequiredService<IOptions<TokenValidationOptions>>().Value);
        Assert.NotNull(host.Validation);
    }

    private static string NewToken() => "opaque-" + Guid.NewGuid().ToString("N");

    private static async Task WriteAsync(HttpContext context, int status, string body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    private static void AssertInvalid(TokenCheckResult result, string description)
    {
        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal(TokenErrors.InvalidToken, result.Error);
        Assert.Equal(description, result.ErrorDescription);
    }
}
