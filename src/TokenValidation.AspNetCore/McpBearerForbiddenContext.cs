using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace TokenValidation.AspNetCore;

/// <summary>
/// The context of <see cref="McpBearerEvents.OnForbidden"/>: the parts of the 403 about to be written. Change them,
/// or write the answer yourself and call <see cref="HandleResponse"/>.
/// </summary>
public class McpBearerForbiddenContext : PropertiesContext<McpBearerOptions>
{
    /// <summary>Creates the context.</summary>
    public McpBearerForbiddenContext(HttpContext context, AuthenticationScheme scheme, McpBearerOptions options, AuthenticationProperties? properties)
        : base(context, scheme, options, properties)
    {
    }

    /// <summary>The authenticated caller, when there is one.</summary>
    public ClaimsPrincipal? Principal { get; set; }

    /// <summary>Every scope the endpoint's authorization policy requires.</summary>
    public IReadOnlyList<string> RequiredScopes { get; set; } = [];

    /// <summary>The scopes the caller's token carries.</summary>
    public IReadOnlyList<string> GrantedScopes { get; set; } = [];

    /// <summary>The required scopes the token lacks; empty when the refusal has another reason.</summary>
    public IReadOnlyList<string> MissingScopes { get; set; } = [];

    /// <summary>The <c>error</c> attribute: <c>insufficient_scope</c> when scopes are missing, else <see langword="null"/> (no challenge header).</summary>
    public string? Error { get; set; }

    /// <summary>The <c>scope</c> attribute: the required scopes followed by the ones the token already has.</summary>
    public string? Scope { get; set; }

    /// <summary>The <c>resource_metadata</c> attribute: the Protected Resource Metadata URL.</summary>
    public string? ResourceMetadata { get; set; }

    /// <summary>The JSON-RPC error message.</summary>
    public string? Message { get; set; }

    /// <summary>Whether the application wrote the answer itself.</summary>
    public bool Handled { get; private set; }

    /// <summary>Skips the default answer: the application has written its own.</summary>
    public void HandleResponse() => Handled = true;
}
