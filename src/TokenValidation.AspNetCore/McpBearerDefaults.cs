namespace TokenValidation.AspNetCore;

/// <summary>Default values of the MCP bearer authentication scheme.</summary>
public static class McpBearerDefaults
{
    /// <summary>The default scheme name: <c>McpBearer</c>.</summary>
    public const string AuthenticationScheme = "McpBearer";

    /// <summary>The scheme's display name.</summary>
    public const string DisplayName = "MCP bearer token";

    /// <summary>The RFC 9728 well-known path of the Protected Resource Metadata document.</summary>
    public const string ProtectedResourceMetadataPath = "/.well-known/oauth-protected-resource";

    /// <summary>The RFC 8414 well-known path of the authorization server's metadata.</summary>
    public const string AuthorizationServerMetadataPath = "/.well-known/oauth-authorization-server";

    /// <summary>The claim carrying the token's subject (also written as <see cref="System.Security.Claims.ClaimTypes.NameIdentifier"/>).</summary>
    public const string SubjectClaimType = "sub";

    /// <summary>The claim carrying the user's email address.</summary>
    public const string EmailClaimType = "email";

    /// <summary>The claim carrying the user's display name; the identity's name claim type.</summary>
    public const string NameClaimType = "name";

    /// <summary>The identity's role claim type.</summary>
    public const string RoleClaimType = "role";

    /// <summary>The claim carrying one scope of the token (one claim per scope).</summary>
    public const string ScopeClaimType = "scope";

    /// <summary>The claim naming which validator vouched for the token (see <see cref="TokenSources"/>).</summary>
    public const string SourceClaimType = "token_source";

    /// <summary>The claim carrying an API key's name.</summary>
    public const string ApiKeyNameClaimType = ApiKeys.ApiKeyValidator.KeyNameClaim;

    /// <summary>The claim carrying the application's own user id, added by the user mapper.</summary>
    public const string LocalUserIdClaimType = "local_user_id";

    /// <summary>
    /// The <see cref="Microsoft.AspNetCore.Authentication.AuthenticationProperties"/> parameter (a <c>string[]</c>) naming the
    /// scopes a forbid is about, for endpoints whose policy does not say (for example one <c>/mcp</c> endpoint that checks
    /// each tool's scopes itself). Set it with <c>properties.SetParameter(RequiredScopesParameter, scopes)</c> before
    /// <c>ForbidAsync</c>; the 403 then names them in <c>insufficient_scope</c>.
    /// </summary>
    public const string RequiredScopesParameter = "TokenValidation.RequiredScopes";

    /// <summary>The JSON-RPC error code of every authentication and authorization error body.</summary>
    public const int JsonRpcErrorCode = -32001;

    /// <summary>The name of the <see cref="System.Net.Http.HttpClient"/> that fetches the authorization server's metadata in proxy mode.</summary>
    public const string MetadataHttpClientName = "TokenValidation.AspNetCore.Metadata";
}
