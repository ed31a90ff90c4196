using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests.Handler;

/// <summary>
/// CONTRACT §8: every failed validation reaches the client with a reason, even when the validator (an application's
/// own, or an application's own <see cref="ITokenValidationService"/>) gave none: the handler says what kind of failure
/// it was.
/// </summary>
public sealed class DefaultDescriptionTests : IClassFixture<AuthKitFixture>
{
    private readonly AuthKitStandIn _authKit;

    public DefaultDescriptionTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    [Fact]
    public async Task An_invalid_token_without_a_reason_is_described_as_invalid()
    {
        await using var app = await StartAsync();

        using var response = await app.GetAsync("/mcp", "nd_invalid");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            $"Bearer error=\"invalid_token\", error_description=\"The access token is invalid.\", scope=\"mcp:tools\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"",
            response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task A_malformed_request_without_a_reason_is_described_as_malformed()
    {
        await using var app = await StartAsync();

        using var response = await app.GetAsync("/mcp", "nd_request");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("error=\"invalid_request\", error_description=\"The request is malformed.\"", response.Header("WWW-Authenticate"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unavailable_answer_without_a_reason_says_the_token_could_not_be_checked()
    {
        await using var app = await StartAsync();

        using var response = await app.GetAsync("/mcp", "nd_unavailable");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("7", response.Header("Retry-After"));
        Assert.Contains("\"message\":\"The access token could not be checked.\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rate_limited_answer_without_a_reason_says_there_are_too_many_new_tokens()
    {
        var options = new McpTestAppOptions(_authKit.Authority)
        {
            Services = builder => builder.Services.Replace(ServiceDescriptor.Singleton<ITokenValidationService>(new RateLimitingService(null))),
        };
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/mcp", "any_token_at_all");

        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.Equal("3", response.Header("Retry-After"));
        Assert.Contains("\"message\":\"Too many new tokens from this client.\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_request_keeps_the_validators_own_reason()
    {
        await using var app = await StartAsync();

        using var response = await app.GetAsync("/mcp", "nd_request_with_reason");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("error=\"invalid_request\", error_description=\"The token names two audiences.\"", response.Header("WWW-Authenticate"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rate_limited_answer_keeps_its_own_reason()
    {
        var options = new McpTestAppOptions(_authKit.Authority)
        {
            Services = builder => builder.Services.Replace(ServiceDescriptor.Singleton<ITokenValidationService>(new RateLimitingService("Slow down, please."))),
        };
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/mcp", "any_token_at_all");

        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.Contains("\"message\":\"Slow down, please.\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private Task<McpTestApp> StartAsync()
    {
        var options = new McpTestAppOptions(_authKit.Authority) { TokenValidation = b => b.AddValidator<NoReasonValidator>("nd_") };
        return McpTestApp.StartAsync(options);
    }

    /// <summary>A validator that answers each kind of failure without a description.</summary>
    private sealed class NoReasonValidator : ITokenValidator
    {
        public ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken) => new(token switch
        {
            "nd_request" => TokenCheckResult.InvalidRequest(null!),
            "nd_request_with_reason" => TokenCheckResult.InvalidRequest("The token names two audiences."),
            "nd_unavailable" => TokenCheckResult.Unavailable(null!, TimeSpan.FromSeconds(7)),
            _ => TokenCheckResult.Invalid(null!),
        });
    }

    /// <summary>An application's own validation service that limits every caller, saying why or not.</summary>
    private sealed class RateLimitingService(string? description) : ITokenValidationService
    {
        public ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken = default) =>
            new(TokenCheckResult.RateLimited(description!, TimeSpan.FromSeconds(3)));

        public ValueTask<TokenCheckResult> ValidateForClientAsync(string token, IPAddress? client, CancellationToken cancellationToken = default) =>
            ValidateAsync(token, cancellationToken);

        public ValueTask InvalidateAsync(string token, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
