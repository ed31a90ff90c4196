using TokenValidation.Testing;

namespace TokenValidation.Tests.AuthKit;

/// <summary>CONTRACT §4: every userinfo answer maps to exactly one outcome, against a real Kestrel stand-in.</summary>
public sealed class UserInfoStatusMappingTests
{
    private const string Token = "mat_0123456789abcdefghijABCDEFGHIJ0123456789abcd";

    [Fact]
    public async Task Ok_with_string_sub_is_valid_with_every_field_as_a_claim()
    {
        await using var host = await CoreHost.StartAsync();
        host.AuthKit.AddUser(Token, "user_01", "ada@example.com", "Ada Lovelace", new { org_id = "org_7", roles = new[] { "admin", "dev" }, email_verified = true, scope = "mcp:tools openid" });

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        var identity = result.Identity!;
        Assert.Equal("user_01", identity.Subject);
        Assert.Equal("ada@example.com", identity.Email);
        Assert.Equal("Ada Lovelace", identity.Name);
        Assert.Equal(TokenSources.AuthKit, identity.Source);
        Assert.Equal(["mcp:tools", "openid"], identity.Scopes);
        Assert.Contains(new TokenClaim("org_id", "org_7"), identity.Claims);
        Assert.Contains(new TokenClaim("roles", "admin"), identity.Claims);
        Assert.Contains(new TokenClaim("roles", "dev"), identity.Claims);
        Assert.Contains(new TokenClaim("email_verified", "true"), identity.Claims);
        Assert.Equal(1, host.AuthKit.UserInfoCalls);
        Assert.Equal("Bearer " + Token, host.AuthKit.LastAuthorization);
    }

    [Fact]
    public async Task Without_scope_the_configured_default_scopes_apply()
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:DefaultScopes:0"] = "mcp:tools",
            ["TokenValidation:AuthKit:DefaultScopes:1"] = "mcp:read",
        });
        host.AuthKit.AddUser(Token, "user_01");

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(["mcp:tools", "mcp:read"], result.Identity!.Scopes);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    public async Task Issuer_saying_no_is_invalid_token(int status)
    {
        await using var host = await CoreHost.StartAsync();
        host.AuthKit.RespondWith(status, """{"error":"invalid_token"}""");

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal(TokenErrors.InvalidToken, result.Error);
        Assert.Equal(1, host.AuthKit.UserInfoCalls);
    }

    [Theory]
    [InlineData(404, null)]
    [InlineData(429, null)]
    [InlineData(500, null)]
    [InlineData(503, null)]
    [InlineData(200, """{"email":"no-sub@example.com"}""")]
    [InlineData(200, """{"sub":42}""")]
    [InlineData(200, """["sub"]""")]
    [InlineData(200, "<html>not json</html>")]
    [InlineData(200, "")]
    public async Task Answers_that_do_not_settle_the_question_are_unavailable_and_not_cached(int status, string? body)
    {
        await using var host = await CoreHost.StartAsync();
        host.AuthKit.RespondWith(status, body);

        var first = await host.Validation.ValidateAsync(Token);
        int callsAfterFirst = host.AuthKit.UserInfoCalls;
        var second = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Unavailable, first.Outcome);
        Assert.Null(first.Error);
        Assert.NotNull(first.RetryAfter);
        Assert.Equal(TokenValidationOutcome.Unavailable, second.Outcome);
        Assert.True(callsAfterFirst >= 1);
        Assert.True(host.AuthKit.UserInfoCalls > callsAfterFirst, "Unavailable must never be cached.");
    }

    [Fact]
    public async Task Retry_after_from_a_429_is_passed_on()
    {
        await using var host = await CoreHost.StartAsync();
        host.AuthKit.RespondWith(429, headers: new Dictionary<string, string> { ["Retry-After"] = "7" });

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
    }

    [Fact]
    public async Task Body_over_the_size_limit_is_unavailable()
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:AuthKit:MaxResponseBytes"] = "1024" });
        host.AuthKit.RespondWithLargeBody(4096);

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.True(host.AuthKit.UserInfoCalls >= 1);
    }

    [Fact]
    public async Task Chunked_body_over_the_size_limit_is_unavailable()
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:AuthKit:MaxResponseBytes"] = "1024" });
        host.AuthKit.RespondWithLargeBody(64 * 1024, chunked: true);

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
    }

    [Fact]
    public async Task Timeout_is_unavailable()
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:AuthKit:Timeout"] = "00:00:00.500" });
        host.AuthKit.Hang();

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.True(host.AuthKit.UserInfoCalls >= 1);
    }

    [Fact]
    public async Task Connection_refused_is_unavailable()
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:AuthKit:Authority"] = LoopbackPorts.RefusingAuthority() });

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(5), result.RetryAfter);
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Warning
            && r.Message.StartsWith("Userinfo call for token ", StringComparison.Ordinal) && r.Message.EndsWith(" failed: ConnectionError", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connection_closed_mid_request_is_unavailable()
    {
        await using var host = await CoreHost.StartAsync();
        host.AuthKit.CloseConnection();

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
    }

    [Fact]
    public async Task Redirects_are_not_followed_so_the_token_goes_nowhere_else()
    {
        await using var elsewhere = await AuthKitStandIn.StartAsync();
        await using var host = await CoreHost.StartAsync();
        host.AuthKit.RespondWith(302, headers: new Dictionary<string, string> { ["Location"] = elsewhere.UserInfoEndpoint.ToString() });

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal(0, elsewhere.UserInfoCalls);
    }

    [Fact]
    public async Task Discovery_reads_userinfo_endpoint_from_the_authority_metadata()
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:UseDiscovery"] = "true",
            ["TokenValidation:AuthKit:UserInfoPath"] = "/wrong/path",
        });
        host.AuthKit.AddUser(Token, "user_01");

        var first = await host.Validation.ValidateAsync(Token);
        await host.Validation.ValidateAsync("mat_second_token_0123456789");

        Assert.Equal(TokenValidationOutcome.Valid, first.Outcome);
        Assert.Equal(1, host.AuthKit.MetadataCalls);
    }
}
