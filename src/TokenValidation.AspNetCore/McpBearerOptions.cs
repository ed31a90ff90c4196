using Microsoft.AspNetCore.Authentication;
using TokenValidation.AspNetCore.Authorization;
using TokenValidation.AspNetCore.Metadata;

namespace TokenValidation.AspNetCore;

/// <summary>
/// Options of the MCP bearer scheme. Bound from the <c>TokenValidation</c> section (the same one the core reads):
/// <c>Resource</c>, <c>ResourceName</c>, <c>ResourceDocumentation</c>, <c>Scopes</c>, <c>ScopeHierarchy</c>, <c>AllowedOrigin</c>,
/// <c>ResourceMetadataUrlMode</c>, <c>AuthorizationServerMetadataMode</c>, <c>AuthorizationServerMetadataCacheLifetime</c>.
/// Validated at start-up.
/// </summary>
public class McpBearerOptions : AuthenticationSchemeOptions
{
    /// <summary>Creates the options with default events.</summary>
    public McpBearerOptions()
    {
        Events = new McpBearerEvents();
    }

    /// <summary>
    /// The MCP endpoint URL clients call, for example <c>https://mcp.example.com/mcp</c>. Required; absolute, https outside
    /// Development, canonical (lowercase scheme and host, no trailing slash, no query or fragment). Published byte for byte
    /// as the metadata's <c>resource</c>, and the origin of every <c>resource_metadata</c> URL: this, not the request's
    /// Host or forwarded headers, is the source of truth behind proxies.
    /// </summary>
    public string? Resource { get; set; }

    /// <summary>A human-readable name of the server (<c>resource_name</c>), optional.</summary>
    public string? ResourceName { get; set; }

    /// <summary>A URL of documentation for developers (<c>resource_documentation</c>), optional.</summary>
    public string? ResourceDocumentation { get; set; }

    /// <summary>
    /// The scopes this server knows (<c>scopes_supported</c>), also the <c>scope</c> of a 401 challenge on endpoints that
    /// require no particular scope.
    /// </summary>
    /// <remarks>
    /// <c>offline_access</c> is never published or put in a challenge: it asks the authorization server for a refresh
    /// token, which is not something this resource grants. Configuring it logs a warning at start-up.
    /// </remarks>
    public IList<string> Scopes { get; set; } = [];

    /// <summary>
    /// Broader scopes that imply narrower ones, for example <c>mcp:admin</c> implying <c>mcp:tools</c> (transitively):
    /// every scope check of the scheme — <c>RequireScopes</c> policies, the 403's missing scopes and the per-tool step-up —
    /// treats a token with the broader scope as having the narrower ones. Challenges still name the scopes exactly as
    /// required. Configured as <c>"ScopeHierarchy": [ { "Scope": "mcp:admin", "Implies": [ "mcp:tools" ] } ]</c>; validated
    /// at start-up (valid scope tokens, no scope implying itself).
    /// </summary>
    public IList<ScopeHierarchyEntry> ScopeHierarchy { get; set; } = [];

    /// <summary>
    /// <c>Access-Control-Allow-Origin</c> of the 401/403/503 answers. Default <c>*</c>; an origin such as
    /// <c>https://app.example.com</c>; empty to send no CORS headers (the application's CORS policy answers instead).
    /// </summary>
    public string? AllowedOrigin { get; set; } = "*";

    /// <summary>Which metadata URL the challenges' <c>resource_metadata</c> names. Default <see cref="ResourceMetadataUrlMode.Root"/>.</summary>
    public ResourceMetadataUrlMode ResourceMetadataUrlMode { get; set; } = ResourceMetadataUrlMode.Root;

    /// <summary>How <c>/.well-known/oauth-authorization-server</c> answers. Default <see cref="AuthorizationServerMetadataMode.Redirect"/>.</summary>
    public AuthorizationServerMetadataMode AuthorizationServerMetadataMode { get; set; } = AuthorizationServerMetadataMode.Redirect;

    /// <summary>How long the proxied copy of the authorization server's metadata is kept. Default 1 hour.</summary>
    public TimeSpan AuthorizationServerMetadataCacheLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The events the handler raises; the application can add claims, reject, or write its own answers.</summary>
    public new McpBearerEvents Events
    {
        get => (McpBearerEvents)base.Events!;
        set => base.Events = value;
    }

    /// <summary>The parts of <see cref="Resource"/>, set by <see cref="McpBearerPostConfigureOptions"/>.</summary>
    internal ProtectedResourceUrl? ResolvedResource { get; set; }

    /// <summary>The closure of <see cref="ScopeHierarchy"/>, built on first use (options are not changed after start-up).</summary>
    // Stryker disable once Assignment : building it again on every read gives the same closure; caching only saves the work.
    internal ImpliedScopes ImpliedScopes => _impliedScopes ??= Authorization.ImpliedScopes.Build(ScopeHierarchy);

    private ImpliedScopes? _impliedScopes;

    /// <summary>The <c>resource_metadata</c> URL of challenges.</summary>
    internal string? ResourceMetadataUrl => ResourceMetadataUrlMode == ResourceMetadataUrlMode.PathInserted
        ? ResolvedResource?.PathInsertedMetadataUrl
        : ResolvedResource?.RootMetadataUrl;
}
