using System.Text.Encodings.Web;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace TokenValidation.AspNetCore.Tests.Handler;

/// <summary>The public handler refuses a missing dependency when it is built, naming it, not on the first request.</summary>
public sealed class HandlerConstructionTests
{
    [Fact]
    public void A_missing_validation_service_is_named_at_construction()
    {
        var error = Assert.Throws<ArgumentNullException>(() => new McpBearerHandler(
            new OptionsMonitor(), NullLoggerFactory.Instance, UrlEncoder.Default, null!, Options.Create(new TokenValidationOptions())));

        Assert.Equal("validation", error.ParamName);
    }

    [Fact]
    public void Missing_validation_options_are_named_at_construction()
    {
        var error = Assert.Throws<ArgumentNullException>(() => new McpBearerHandler(
            new OptionsMonitor(), NullLoggerFactory.Instance, UrlEncoder.Default, new NoService(), null!));

        Assert.Equal("validationOptions", error.ParamName);
    }

    private sealed class OptionsMonitor : IOptionsMonitor<McpBearerOptions>
    {
        public McpBearerOptions CurrentValue { get; } = new();

        public McpBearerOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<McpBearerOptions, string?> listener) => null;
    }

    private sealed class NoService : ITokenValidationService
    {
        public ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public ValueTask InvalidateAsync(string token, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
