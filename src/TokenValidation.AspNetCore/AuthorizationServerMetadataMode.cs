namespace TokenValidation.AspNetCore;

/// <summary>How <c>/.well-known/oauth-authorization-server</c> on the MCP server's origin answers.</summary>
public enum AuthorizationServerMetadataMode
{
    /// <summary>308 to the authority's own metadata document.</summary>
    Redirect,

    /// <summary>Serve a copy fetched from the authority and cached (for clients that do not follow redirects).</summary>
    Proxy,
}
