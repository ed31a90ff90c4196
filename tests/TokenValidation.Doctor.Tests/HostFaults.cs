namespace TokenValidation.Doctor.Tests;

/// <summary>What <see cref="BrokenMcpHost"/> gets wrong; the defaults make a host every check passes.</summary>
public sealed record HostFaults
{
    /// <summary>Both Protected Resource Metadata URLs answer 404.</summary>
    public bool PrmNotFound { get; init; }

    /// <summary>Appended to the issuer in the authorization server's own metadata ("/": the trailing-slash break).</summary>
    public string IssuerSuffix { get; init; } = "";

    /// <summary>Appended to the entry in <c>authorization_servers</c> ("\n": the environment-variable break).</summary>
    public string AuthorizationServerSuffix { get; init; } = "";

    /// <summary>Appended to <c>resource</c> ("/": differs from the endpoint by a trailing slash).</summary>
    public string ResourceSuffix { get; init; } = "";

    /// <summary>The metadata is served without <c>Access-Control-Allow-Origin</c>.</summary>
    public bool NoPrmCors { get; init; }

    /// <summary>The 401 is served without the CORS headers.</summary>
    public bool NoChallengeCors { get; init; }

    /// <summary>What a GET without a token gets instead of 401 (405: routing before authentication).</summary>
    public int? UnauthenticatedGetStatus { get; init; }

    /// <summary>The challenge leaves out <c>resource_metadata</c>.</summary>
    public bool NoResourceMetadata { get; init; }

    /// <summary>The challenge to a request without a token carries <c>error="invalid_token"</c>.</summary>
    public bool ErrorWithoutToken { get; init; }

    /// <summary>The authorization server's metadata lists only <c>plain</c> PKCE.</summary>
    public bool NoS256 { get; init; }

    /// <summary>The authorization server's metadata has no registration endpoint nor client ID metadata document support.</summary>
    public bool NoRegistration { get; init; }

    /// <summary>Replaces the authorization server's <c>token_endpoint</c>.</summary>
    public string? TokenEndpoint { get; init; }

    /// <summary>Every bearer token is accepted, the wrong one too.</summary>
    public bool AcceptAnyToken { get; init; }

    /// <summary>The MCP endpoint answers 403 to any request carrying an Origin (DNS-rebinding protection).</summary>
    public bool RefuseForeignOrigin { get; init; }

    /// <summary>Every answer waits this long first.</summary>
    public TimeSpan? Delay { get; init; }
}
