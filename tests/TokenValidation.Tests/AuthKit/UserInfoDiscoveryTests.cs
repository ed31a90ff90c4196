using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TokenValidation.Testing;

namespace TokenValidation.Tests.AuthKit;

/// <summary>
/// CONTRACT §5: with discovery, the userinfo URL is the metadata's <c>userinfo_endpoint</c> (OpenID discovery, then RFC
/// 8414), on the authority's own origin only; a failed discovery is Unavailable and tried again on the next miss.
/// </summary>
public sealed class UserInfoDiscoveryTests
{
    private const string OpenIdPath = "/.well-known/openid-configuration";
    private const string OAuthPath = "/.well-known/oauth-authorization-server";
    private const string MetadataUnreadable = "The authorization server's metadata could not be read.";

    [Theory]
    [InlineData(404, null)]
    [InlineData(403, null)]
    [InlineData(200, "not json")]
    [InlineData(200, """{"issuer":"x"}""")]
    [InlineData(200, """["userinfo_endpoint"]""")]
    [InlineData(200, """{"userinfo_endpoint":42}""")]
    public async Task An_openid_document_without_a_usable_userinfo_endpoint_falls_back_to_the_authorization_server_document(int status, string? body)
    {
        await using var host = await StartAsync();
        host.AuthKit.MetadataBehavior = context => context.Request.Path == OpenIdPath
            ? Raw(context, status, body)
            : Raw(context, 200, Document(host.AuthKit.Authority + "/oauth/userinfo"));
        host.AuthKit.AddUser(Token(1), "user_01");

        var result = await host.Validation.ValidateAsync(Token(1));

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.Equal(2, host.AuthKit.MetadataCalls);
        Assert.Equal(1, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task Without_a_userinfo_endpoint_anywhere_the_token_is_unavailable_and_discovery_is_tried_again_on_the_next_miss()
    {
        await using var host = await StartAsync();
        host.AuthKit.MetadataBehavior = context => Raw(context, 200, """{"issuer":"x"}""");
        host.AuthKit.AddUser(Token(1), "user_01");
        host.AuthKit.AddUser(Token(2), "user_02");

        var failed = await host.Validation.ValidateAsync(Token(1));

        Assert.Equal(TokenValidationOutcome.Unavailable, failed.Outcome);
        Assert.Equal(MetadataUnreadable, failed.ErrorDescription);
        Assert.Equal(0, host.AuthKit.UserInfoCalls);
        Assert.Equal(2, host.AuthKit.MetadataCalls);
        var errors = host.Logs.GetSnapshot().Where(r => r.Level == LogLevel.Error).Select(r => r.Message).ToList();
        Assert.Equal(
            [
                $"AuthKit discovery failed at {host.AuthKit.Authority}{OpenIdPath}: no userinfo_endpoint in the metadata",
                $"AuthKit discovery failed at {host.AuthKit.Authority}{OAuthPath}: no userinfo_endpoint in the metadata",
            ],
            errors);

        host.AuthKit.MetadataBehavior = null;
        var recovered = await host.Validation.ValidateAsync(Token(2));
        await host.Validation.ValidateAsync(Token(3));

        Assert.Equal(TokenValidationOutcome.Valid, recovered.Outcome);
        Assert.Equal(3, host.AuthKit.MetadataCalls);
    }

    [Fact]
    public async Task A_metadata_document_answering_an_error_status_is_logged_with_its_status()
    {
        await using var host = await StartAsync();
        host.AuthKit.MetadataBehavior = context => Raw(context, 503, null);

        var result = await host.Validation.ValidateAsync(Token(1));

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal(
            [
                $"AuthKit discovery failed at {host.AuthKit.Authority}{OpenIdPath}: HTTP 503",
                $"AuthKit discovery failed at {host.AuthKit.Authority}{OAuthPath}: HTTP 503",
            ],
            host.Logs.GetSnapshot().Where(r => r.Level == LogLevel.Error && r.Message.StartsWith("AuthKit discovery", StringComparison.Ordinal)).Select(r => r.Message));
    }

    [Fact]
    public async Task Under_an_authority_with_a_path_the_metadata_is_looked_for_beneath_that_path()
    {
        await using var authKit = await AuthKitStandIn.StartAsync();
        string authority = authKit.Authority + "/tenant";
        await using var host = await CoreHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["TokenValidation:AuthKit:UseDiscovery"] = "true",
                ["TokenValidation:AuthKit:Authority"] = authority,
            },
            authKit: authKit);
        authKit.AddUser(Token(1), "user_01");

        var result = await host.Validation.ValidateAsync(Token(1));

        // The stand-in publishes its documents at the root only: nothing is found beneath /tenant.
        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal(0, authKit.MetadataCalls);
        Assert.Equal(
            [
                $"AuthKit discovery failed at {authority}{OpenIdPath}: HTTP 404",
                $"AuthKit discovery failed at {authority}{OAuthPath}: HTTP 404",
            ],
            host.Logs.GetSnapshot().Where(r => r.Level == LogLevel.Error && r.Message.StartsWith("AuthKit discovery", StringComparison.Ordinal)).Select(r => r.Message));
    }

    [Fact]
    public async Task With_the_pipeline_off_the_timeout_bounds_each_metadata_request()
    {
        await using var host = await StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:Resilience:Enabled"] = "false",
            ["TokenValidation:AuthKit:Timeout"] = "00:00:00.500",
        });
        host.AuthKit.MetadataBehavior = context =>
            Task.Delay(Timeout.Infinite, CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, host.AuthKit.Stopping).Token);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await host.Validation.ValidateAsync(Token(1));

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal(2, host.Logs.GetSnapshot().Count(r => r.Level == LogLevel.Error && r.Message.EndsWith(": TaskCanceledException", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_callers_cancellation_during_discovery_propagates_instead_of_answering_no_endpoint()
    {
        await using var host = await StartAsync();
        host.AuthKit.MetadataBehavior = context =>
            Task.Delay(Timeout.Infinite, CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, host.AuthKit.Stopping).Token);
        var resolver = host.Services.GetRequiredService<TokenValidation.AuthKit.UserInfoEndpointResolver>();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => resolver.GetAsync(cancel.Token).AsTask());
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Message.StartsWith("AuthKit discovery failed", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("scheme")]
    [InlineData("host")]
    [InlineData("port")]
    public async Task A_userinfo_endpoint_on_another_origin_is_refused_and_never_receives_the_token(string differs)
    {
        await using var elsewhere = await AuthKitStandIn.StartAsync();
        await using var host = await StartAsync();
        var authority = new Uri(host.AuthKit.Authority);
        string endpoint = differs switch
        {
            "scheme" => $"https://127.0.0.1:{authority.Port}/oauth/userinfo",
            "host" => $"http://localhost:{authority.Port}/oauth/userinfo",
            _ => $"http://127.0.0.1:{elsewhere.Port}/oauth/userinfo",
        };
        host.AuthKit.MetadataBehavior = context => Raw(context, 200, Document(endpoint));
        host.AuthKit.AddUser(Token(1), "user_01");
        elsewhere.AddUser(Token(1), "user_01");

        var result = await host.Validation.ValidateAsync(Token(1));

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal(MetadataUnreadable, result.ErrorDescription);
        Assert.Equal(0, elsewhere.UserInfoCalls);
        Assert.Equal(0, host.AuthKit.UserInfoCalls);
        // Refused at the first document: a second one cannot overrule it.
        Assert.Equal(1, host.AuthKit.MetadataCalls);
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Level == LogLevel.Error
            && r.Message.EndsWith(": userinfo_endpoint is not on the authority's origin; refusing to send tokens there", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_userinfo_endpoint_on_the_authoritys_origin_spelled_in_capitals_is_used()
    {
        await using var host = await StartAsync();
        var authority = new Uri(host.AuthKit.Authority);
        host.AuthKit.MetadataBehavior = context => Raw(context, 200, Document($"HTTP://127.0.0.1:{authority.Port}/oauth/userinfo"));
        host.AuthKit.AddUser(Token(1), "user_01");

        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(Token(1))).Outcome);
    }

    [Fact]
    public async Task An_unreachable_authority_is_unavailable_with_each_document_logged()
    {
        await using var host = await StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:Authority"] = LoopbackPorts.RefusingAuthority(),
            ["TokenValidation:AuthKit:Resilience:Enabled"] = "false",
        });

        var result = await host.Validation.ValidateAsync(Token(1));

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal(MetadataUnreadable, result.ErrorDescription);
        Assert.Equal(2, host.Logs.GetSnapshot().Count(r => r.Level == LogLevel.Error && r.Message.EndsWith(": HttpRequestException", StringComparison.Ordinal)));
    }

    private static string Token(int n) => $"mat_discovery_token_{n:D4}_0123456789abcdef";

    private static Task<CoreHost> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:UseDiscovery"] = "true",
            ["TokenValidation:AuthKit:UserInfoPath"] = "/wrong/path",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }

        return CoreHost.StartAsync(values);
    }

    private static string Document(string userInfoEndpoint) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["issuer"] = "ignored", ["userinfo_endpoint"] = userInfoEndpoint });

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
