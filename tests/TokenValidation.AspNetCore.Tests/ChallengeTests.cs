using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;
using static TokenValidation.AspNetCore.Tests.Infrastructure.Http;

namespace TokenValidation.AspNetCore.Tests;

/// <summary>The 400/401/403/503 answers of CONTRACT §8, header by header and body, through a real host.</summary>
public sealed class ChallengeTests : IClassFixture<AuthKitFixture>
{
    private const string InvalidTokenDescription = "The access token is invalid, expired or revoked.";
    private readonly AuthKitStandIn _authKit;

    public ChallengeTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    private McpTestAppOptions Options() => new(_authKit.Authority);

    [Fact]
    public async Task No_token_is_401_with_resource_metadata_and_the_endpoint_scope_and_no_error()
    {
        await using var app = await McpTestApp.StartAsync(Options());

        using var response = await app.GetAsync("/mcp");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"Bearer resource_metadata=\"{McpTestApp.RootMetadataUrl}\", scope=\"mcp:tools\"", response.Header("WWW-Authenticate"));
        Assert.DoesNotContain("error", response.Header("WWW-Authenticate"), StringComparison.Ordinal);
        Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
        Assert.Equal("WWW-Authenticate", response.Header("Access-Control-Expose-Headers"));
        Assert.Equal("application/json", response.Header("Content-Type"));
        Assert.Null(response.Header("Retry-After"));
        Assert.Equal(JsonRpcError("Authentication required: send an OAuth access token in the Authorization header."), await response.Content.ReadAsStringAsync());
        Assert.Equal(0, _authKit.UserInfoCalls);
    }

    [Fact]
    public async Task No_token_on_an_endpoint_without_scopes_names_the_configured_scopes()
    {
        await using var app = await McpTestApp.StartAsync(Options());

        using var response = await app.GetAsync("/authenticated");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"Bearer resource_metadata=\"{McpTestApp.RootMetadataUrl}\", scope=\"mcp:tools mcp:resources\"", response.Header("WWW-Authenticate"));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("DELETE")]
    [InlineData("POST")]
    public async Task The_scheme_challenges_every_method_alike(string method)
    {
        // This app maps all three methods itself; that the sample's real MapMcp answers GET and DELETE with this 401
        // (not 405) is McpServer.Tests' HttpContractTests.NoToken_AnyMethod_Gets401BeforeMethodDispatch.
        await using var app = await McpTestApp.StartAsync(Options());

        using var response = await app.Client.SendAsync(McpTestApp.Request(new HttpMethod(method), "/mcp"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"Bearer resource_metadata=\"{McpTestApp.RootMetadataUrl}\", scope=\"mcp:tools\"", response.Header("WWW-Authenticate"));
    }

    [Theory]
    [InlineData("access_token")]
    [InlineData("token")]
    public async Task A_token_in_the_query_string_is_never_read(string parameter)
    {
        // CONTRACT §2: the Authorization header only; a URL ends up in logs, proxies and browser history.
        var token = AuthKitFixture.NewToken();
        _authKit.AddUser(token, "user_query");
        await using var app = await McpTestApp.StartAsync(Options());

        using var response = await app.Client.SendAsync(McpTestApp.Request(HttpMethod.Get, $"/mcp?{parameter}={token}"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"Bearer resource_metadata=\"{McpTestApp.RootMetadataUrl}\", scope=\"mcp:tools\"", response.Header("WWW-Authenticate"));
        Assert.Equal(0, _authKit.UserInfoCalls);
    }

    [Fact]
    public async Task Another_auth_scheme_is_treated_as_no_token()
    {
        await using var app = await McpTestApp.StartAsync(Options());
        using var request = McpTestApp.Request(HttpMethod.Get, "/mcp");
        request.Headers.TryAddWithoutValidation("Authorization", "Basic dXNlcjpwYXNz");

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"Bearer resource_metadata=\"{McpTestApp.RootMetadataUrl}\", scope=\"mcp:tools\"", response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Bad_token_is_401_invalid_token_with_description_scope_and_resource_metadata()
    {
        await using var app = await McpTestApp.StartAsync(Options());

        using var response = await app.GetAsync("/mcp", AuthKitFixture.NewToken());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            $"Bearer error=\"invalid_token\", error_description=\"{InvalidTokenDescription}\", scope=\"mcp:tools\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"",
            response.Header("WWW-Authenticate"));
        Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
        Assert.Equal("WWW-Authenticate", response.Header("Access-Control-Expose-Headers"));
        Assert.Equal("application/json", response.Header("Content-Type"));
        Assert.Null(response.Header("Retry-After"));
        Assert.Equal(JsonRpcError(InvalidTokenDescription), await response.Content.ReadAsStringAsync());
        Assert.Equal(1, _authKit.UserInfoCalls);
    }

    [Fact]
    public async Task Token_of_an_unknown_kind_is_401_invalid_token_without_a_network_call()
    {
        await using var app = await McpTestApp.StartAsync(Options());

        using var response = await app.GetAsync("/mcp", "ghp_notours");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer error=\"invalid_token\", error_description=\"The token is not of a kind this server accepts.\"", response.Header("WWW-Authenticate"), StringComparison.Ordinal);
        Assert.Equal(0, _authKit.UserInfoCalls);
    }

    [Fact]
    public async Task Token_with_characters_outside_b64token_is_401_invalid_token_without_a_network_call()
    {
        await using var app = await McpTestApp.StartAsync(Options());
        using var request = McpTestApp.Request(HttpMethod.Get, "/mcp");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer mat_abc,def");

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            $"Bearer error=\"invalid_token\", error_description=\"The token contains characters a bearer token cannot have.\", scope=\"mcp:tools\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"",
            response.Header("WWW-Authenticate"));
        Assert.Equal(0, _authKit.UserInfoCalls);
    }

    [Theory]
    [InlineData("Bearer", "The Bearer scheme has no token.")]
    [InlineData("Bearer mat_a mat_b", "The Authorization header is malformed.")]
    public async Task Malformed_header_is_400_invalid_request(string header, string description)
    {
        await using var app = await McpTestApp.StartAsync(Options());
        using var request = McpTestApp.Request(HttpMethod.Post, "/mcp");
        request.Headers.TryAddWithoutValidation("Authorization", header);

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            $"Bearer error=\"invalid_request\", error_description=\"{description}\", scope=\"mcp:tools\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"",
            response.Header("WWW-Authenticate"));
        Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
        Assert.Equal("WWW-Authenticate", response.Header("Access-Control-Expose-Headers"));
        Assert.Equal("application/json", response.Header("Content-Type"));
        Assert.Equal(JsonRpcError(description), await response.Content.ReadAsStringAsync());
        Assert.Equal(0, _authKit.UserInfoCalls);
    }

    [Fact]
    public async Task Two_authorization_headers_are_400_invalid_request()
    {
        await using var app = await McpTestApp.StartAsync(Options());
        using var request = McpTestApp.Request(HttpMethod.Post, "/mcp");
        request.Headers.TryAddWithoutValidation("Authorization", ["Bearer mat_a", "Bearer mat_b"]);

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("Bearer error=\"invalid_request\", error_description=\"More than one Authorization header.\"", response.Header("WWW-Authenticate"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valid_token_without_the_required_scope_is_403_insufficient_scope_naming_needed_and_granted_scopes()
    {
        await using var app = await McpTestApp.StartAsync(Options());
        var token = AuthKitFixture.NewToken();
        _authKit.AddUser(token, "user_01", "ada@example.com", "Ada", new { scope = "mcp:resources openid" });

        using var response = await app.GetAsync("/mcp", token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(
            $"Bearer error=\"insufficient_scope\", scope=\"mcp:tools mcp:resources openid\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"",
            response.Header("WWW-Authenticate"));
        Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
        Assert.Equal("WWW-Authenticate", response.Header("Access-Control-Expose-Headers"));
        Assert.Equal("application/json", response.Header("Content-Type"));
        Assert.Null(response.Header("Retry-After"));
        Assert.Equal(JsonRpcError("Insufficient scope: this endpoint requires mcp:tools."), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Scopes_named_at_forbid_time_are_the_ones_the_403_asks_for()
    {
        await using var app = await McpTestApp.StartAsync(Options());
        var token = AuthKitFixture.NewToken();
        _authKit.AddUser(token, "user_01", extra: new { scope = "mcp:tools" });

        using var response = await app.GetAsync("/forbid-with-scopes", token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(
            $"Bearer error=\"insufficient_scope\", scope=\"notes:write mcp:tools\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"",
            response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Valid_token_with_the_required_scope_is_200_with_the_identity_as_claims()
    {
        await using var app = await McpTestApp.StartAsync(Options());
        var token = AuthKitFixture.NewToken();
        _authKit.AddUser(token, "user_01", "ada@example.com", "Ada Lovelace", new { scope = "mcp:tools mcp:resources", org_id = "org_7" });

        using var response = await app.GetAsync("/mcp", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var claims = Claims(await response.Content.ReadAsStringAsync());
        Assert.Equal(["user_01"], claims[ClaimTypes.NameIdentifier]);
        Assert.Equal(["user_01"], claims["sub"]);
        Assert.Equal(["ada@example.com"], claims["email"]);
        Assert.Equal(["Ada Lovelace"], claims["name"]);
        Assert.Equal(["mcp:tools", "mcp:resources"], claims["scope"]);
        Assert.Equal(["authkit"], claims["token_source"]);
        Assert.Equal(["org_7"], claims["org_id"]);
        Assert.Equal(1, _authKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_named_policy_with_scopes_is_named_in_the_401_and_the_403()
    {
        await using var app = await McpTestApp.StartAsync(Options());

        using var noToken = await app.GetAsync("/resources");
        using var withoutScope = await app.GetAsync("/resources", McpTestApp.ApiKey.Key);

        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        Assert.Equal($"Bearer resource_metadata=\"{McpTestApp.RootMetadataUrl}\", scope=\"mcp:resources\"", noToken.Header("WWW-Authenticate"));
        Assert.Equal(HttpStatusCode.Forbidden, withoutScope.StatusCode);
        Assert.Equal($"Bearer error=\"insufficient_scope\", scope=\"mcp:resources mcp:tools\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"", withoutScope.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task A_refusal_for_another_reason_is_403_without_insufficient_scope()
    {
        await using var app = await McpTestApp.StartAsync(Options());

        using var response = await app.GetAsync("/admin", McpTestApp.ApiKey.Key);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(response.Header("WWW-Authenticate"));
        Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
        Assert.Equal("WWW-Authenticate", response.Header("Access-Control-Expose-Headers"));
        Assert.Equal("application/json", response.Header("Content-Type"));
        Assert.Equal(JsonRpcError("The caller is not allowed to use this endpoint."), await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("mcp:tools mcp:resources")]
    [InlineData("mcp:resources mcp:tools")]
    public async Task Space_separated_scope_claims_from_other_schemes_satisfy_the_requirement(string value)
    {
        var requirement = new Authorization.ScopeRequirement("mcp:tools");
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("scope", value)], "other"));
        var notAuthenticated = new ClaimsPrincipal(new ClaimsIdentity([new Claim("scope", value)]));

        Assert.True(requirement.IsSatisfiedBy(user));
        Assert.False(requirement.IsSatisfiedBy(notAuthenticated));
        Assert.False(new Authorization.ScopeRequirement("mcp:tool").IsSatisfiedBy(user));
    }

    [Fact]
    public async Task An_issuer_field_named_like_the_api_key_claim_never_reaches_the_principal()
    {
        await using var app = await McpTestApp.StartAsync(Options());
        string token = AuthKitFixture.NewToken();
        _authKit.AddUser(token, "user_01", extra: new { api_key_name = "ci-bot", scope = "mcp:tools" });

        using var response = await app.GetAsync("/mcp", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var claims = Claims(await response.Content.ReadAsStringAsync());
        Assert.False(claims.ContainsKey("api_key_name"));
        Assert.Equal(["authkit"], claims["token_source"]);
    }

    [Fact]
    public async Task Api_key_is_200_with_its_name_and_source_as_claims()
    {
        await using var app = await McpTestApp.StartAsync(Options());

        using var response = await app.GetAsync("/mcp", McpTestApp.ApiKey.Key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var claims = Claims(await response.Content.ReadAsStringAsync());
        Assert.Equal(["apikey:ci-bot"], claims["sub"]);
        Assert.Equal(["ci-bot"], claims["api_key_name"]);
        Assert.Equal(["api_key"], claims["token_source"]);
        Assert.Equal(["mcp:tools"], claims["scope"]);
        Assert.Equal(0, _authKit.UserInfoCalls);
    }

    [Fact]
    public async Task Userinfo_500_is_503_with_retry_after_and_no_invalid_token()
    {
        await using var app = await McpTestApp.StartAsync(Options());
        _authKit.RespondWith(500);

        using var response = await app.GetAsync("/mcp", AuthKitFixture.NewToken());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("5", response.Header("Retry-After"));
        Assert.Null(response.Header("WWW-Authenticate"));
        Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
        Assert.Equal("WWW-Authenticate, Retry-After", response.Header("Access-Control-Expose-Headers"));
        Assert.Equal("application/json", response.Header("Content-Type"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(JsonRpcError("The authorization server could not be reached."), body);
        Assert.DoesNotContain("invalid_token", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upstream_retry_after_is_passed_on()
    {
        await using var app = await McpTestApp.StartAsync(Options());
        _authKit.RespondWith(503, headers: new Dictionary<string, string> { ["Retry-After"] = "17" });

        using var response = await app.GetAsync("/mcp", AuthKitFixture.NewToken());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("17", response.Header("Retry-After"));
    }

    [Fact]
    public async Task Hanging_userinfo_is_503_after_the_timeout()
    {
        var options = Options();
        options.Settings["TokenValidation:AuthKit:Timeout"] = "00:00:00.300";
        options.Settings["TokenValidation:DefaultRetryAfterSeconds"] = "9";
        await using var app = await McpTestApp.StartAsync(options);
        _authKit.Hang();

        using var response = await app.GetAsync("/mcp", AuthKitFixture.NewToken());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("9", response.Header("Retry-After"));
        Assert.Null(response.Header("WWW-Authenticate"));
        Assert.Equal("WWW-Authenticate, Retry-After", response.Header("Access-Control-Expose-Headers"));
        Assert.DoesNotContain("invalid_token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Path_inserted_mode_points_challenges_at_the_path_inserted_document()
    {
        var options = Options();
        options.Settings["TokenValidation:ResourceMetadataUrlMode"] = "PathInserted";
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/mcp");

        Assert.Equal($"Bearer resource_metadata=\"{McpTestApp.PathInsertedMetadataUrl}\", scope=\"mcp:tools\"", response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Allowed_origin_is_configurable()
    {
        var options = Options();
        options.Settings["TokenValidation:AllowedOrigin"] = "https://chat.example.com";
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/mcp");

        Assert.Equal("https://chat.example.com", response.Header("Access-Control-Allow-Origin"));
        Assert.Equal("WWW-Authenticate", response.Header("Access-Control-Expose-Headers"));
    }

    [Fact]
    public async Task OnTokenValidated_can_add_claims()
    {
        var options = Options();
        options.Bearer = o => o.Events.OnTokenValidated = context =>
        {
            context.Principal!.Identities.First().AddClaim(new Claim("tenant", "acme-" + context.Identity.Subject));
            return Task.CompletedTask;
        };
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/mcp", McpTestApp.ApiKey.Key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["acme-apikey:ci-bot"], Claims(await response.Content.ReadAsStringAsync())["tenant"]);
    }

    [Fact]
    public async Task OnTokenValidated_can_reject_as_invalid_token()
    {
        var options = Options();
        options.Bearer = o => o.Events.OnTokenValidated = context =>
        {
            context.Fail("This account is suspended.");
            return Task.CompletedTask;
        };
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/mcp", McpTestApp.ApiKey.Key);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            $"Bearer error=\"invalid_token\", error_description=\"This account is suspended.\", scope=\"mcp:tools\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"",
            response.Header("WWW-Authenticate"));
        Assert.Equal(JsonRpcError("This account is suspended."), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OnChallenge_can_write_its_own_answer()
    {
        var options = Options();
        options.Bearer = o => o.Events.OnChallenge = async context =>
        {
            Assert.Equal(401, context.StatusCode);
            Assert.Equal(McpTestApp.RootMetadataUrl, context.ResourceMetadata);
            context.HandleResponse();
            context.Response.StatusCode = 418;
            await context.Response.WriteAsync("teapot");
        };
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/mcp");

        Assert.Equal((HttpStatusCode)418, response.StatusCode);
        Assert.Equal("teapot", await response.Content.ReadAsStringAsync());
        Assert.Null(response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task OnForbidden_sees_the_missing_scopes()
    {
        IReadOnlyList<string>? missing = null;
        var options = Options();
        options.Bearer = o => o.Events.OnForbidden = context =>
        {
            missing = context.MissingScopes;
            return Task.CompletedTask;
        };
        await using var app = await McpTestApp.StartAsync(options);
        var token = AuthKitFixture.NewToken();
        _authKit.AddUser(token, "user_02", "bob@example.com");

        using var response = await app.GetAsync("/mcp", token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(["mcp:tools"], missing);
        Assert.Equal($"Bearer error=\"insufficient_scope\", scope=\"mcp:tools\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"", response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task No_token_ever_reaches_a_log()
    {
        var options = Options();
        options.CaptureLogs = true;
        await using var app = await McpTestApp.StartAsync(options);
        var good = AuthKitFixture.NewToken();
        var bad = AuthKitFixture.NewToken();
        var unavailable = AuthKitFixture.NewToken();
        _authKit.AddUser(good, "user_03", "cy@example.com", extra: new { scope = "mcp:tools" });

        (await app.GetAsync("/mcp", good)).Dispose();
        (await app.GetAsync("/mcp", bad)).Dispose();
        (await app.GetAsync("/mcp", McpTestApp.ApiKey.Key)).Dispose();
        _authKit.RespondWith(500);
        (await app.GetAsync("/mcp", unavailable)).Dispose();

        Assert.NotEmpty(app.Logs.GetSnapshot());
        foreach (var token in new[] { good, bad, unavailable, McpTestApp.ApiKey.Key })
        {
            Assert.False(app.Logs.AnyContains(token[4..]), "a token was logged");
        }
    }
}
