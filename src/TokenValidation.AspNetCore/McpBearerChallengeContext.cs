using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace TokenValidation.AspNetCore;

/// <summary>
/// The context of <see cref="McpBearerEvents.OnChallenge"/>: the parts of the answer about to be written. Change them,
/// or write the answer yourself and call <see cref="HandleResponse"/>.
/// </summary>
public class McpBearerChallengeContext : PropertiesContext<McpBearerOptions>
{
    /// <summary>Creates the context.</summary>
    public McpBearerChallengeContext(HttpContext context, AuthenticationScheme scheme, McpBearerOptions options, AuthenticationProperties? properties)
        : base(context, scheme, options, properties)
    {
    }

    /// <summary>Why authentication failed, when it did (<see langword="null"/> when no token was sent).</summary>
    public Exception? AuthenticateFailure { get; set; }

    /// <summary>The status: 401 (no token, invalid token), 400 (malformed header) or 503 (validation unavailable).</summary>
    public int StatusCode { get; set; } = StatusCodes.Status401Unauthorized;

    /// <summary>The <c>error</c> attribute: <c>invalid_token</c>, <c>invalid_request</c>, or <see langword="null"/> for none.</summary>
    public string? Error { get; set; }

    /// <summary>The <c>error_description</c> attribute and the JSON-RPC message; never contains the token.</summary>
    public string? ErrorDescription { get; set; }

    /// <summary>The <c>scope</c> attribute: what the endpoint requires, else the configured scopes; <see langword="null"/> for none.</summary>
    public string? Scope { get; set; }

    /// <summary>The <c>resource_metadata</c> attribute: the Protected Resource Metadata URL.</summary>
    public string? ResourceMetadata { get; set; }

    /// <summary>The JSON-RPC error message of the body.</summary>
    public string? Message { get; set; }

    /// <summary>For a 503: the <c>Retry-After</c> to send.</summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>Whether the application wrote the answer itself.</summary>
    public bool Handled { get; private set; }

    /// <summary>Skips the default answer: the application has written its own.</summary>
    public void HandleResponse() => Handled = true;
}
